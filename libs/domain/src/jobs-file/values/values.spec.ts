import { parseDuration } from './duration';
import { defaultHostAddress, isDockerEndpoint } from './endpoint';
import { formatImageRef, parseImageRef } from './image-ref';
import { parseMemory } from './memory';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['2s', 2000],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['1h', 3_600_000],
    ['0', 0],
    [0, 0],
  ])('reads %j as %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([['-1s'], ['10'], [10], ['1 s'], ['1d'], ['']])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});

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

describe('Docker endpoints', () => {
  it.each([
    ['unix:///var/run/docker.sock', '127.0.0.1'],
    ['tcp://10.1.2.3:2376', '10.1.2.3'],
    ['ssh://deploy@git-app-1', 'git-app-1'],
    ['tcp://[::1]:2376', '::1'],
  ])('%s answers at %s by default', (endpoint, address) => {
    expect(isDockerEndpoint(endpoint)).toBe(true);
    expect(defaultHostAddress(endpoint)).toBe(address);
  });

  it.each([['http://h:2375'], ['unix://relative.sock'], ['tcp://'], ['/var/run/docker.sock']])(
    'rejects %s',
    (endpoint) => expect(isDockerEndpoint(endpoint)).toBe(false),
  );
});
