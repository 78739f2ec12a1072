import { formatImageRef, parseImageRef } from './image-ref';
import { parseMemory } from './memory';

describe('memory sizes', () => {
  it.each([
    ['256m', 256 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['512K', 512 * 1024],
    ['1000', 1000],
    [4096, 4096],
  ])('reads %j as %d bytes', (text, bytes) => expect(parseMemory(text)).toBe(bytes));

  it.each([['0'], ['-1m'], ['1t'], [1.5], ['lots']])('rejects %j', (text) => expect(parseMemory(text)).toBeUndefined());
});

describe('image references', () => {
  const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

  it.each([
    ['webhook-listener:a5af2f2', undefined, { repository: 'webhook-listener', tag: 'a5af2f2' }],
    ['coding-prober', undefined, { repository: 'coding-prober', tag: 'latest' }],
    ['coding-prober', 'localhost:5000', { registry: 'localhost:5000', repository: 'coding-prober', tag: 'latest' }],
    ['registry:5000/team/app:v1', 'other:5000', { registry: 'registry:5000', repository: 'team/app', tag: 'v1' }],
    ['team/app:v1', undefined, { repository: 'team/app', tag: 'v1' }],
    [`app@${digest}`, undefined, { repository: 'app', tag: 'latest', digest }],
    [`localhost/app:v2@${digest}`, undefined, { registry: 'localhost', repository: 'app', tag: 'v2', digest }],
  ])('reads %s (default registry %s)', (text, registry, ref) => expect(parseImageRef(text, registry)).toEqual(ref));

  it.each([['App:v1'], ['app:'], ['app@sha256:123'], ['app:v1@a@b'], ['a b'], [':v1'], ['app:-v1']])(
    'rejects %j',
    (text) => expect(parseImageRef(text)).toBeUndefined(),
  );

  it('formats a reference back as Docker reads it', () => {
    expect(formatImageRef({ registry: 'localhost:5000', repository: 'demo', tag: 'v1', digest })).toBe(
      `localhost:5000/demo:v1@${digest}`,
    );
    expect(formatImageRef({ repository: 'demo', tag: 'v1' })).toBe('demo:v1');
  });
});
