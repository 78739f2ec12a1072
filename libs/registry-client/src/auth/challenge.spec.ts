import { parseChallenges } from './challenge';

describe('parseChallenges', () => {
  it('reads a bearer challenge with quoted parameters', () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:team/app:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example/token',
          service: 'registry.example',
          scope: 'repository:team/app:pull,push',
        },
      },
    ]);
  });

  it('reads a basic challenge and unquoted values', () => {
    expect(parseChallenges('Basic realm=registry')).toEqual([{ scheme: 'basic', params: { realm: 'registry' } }]);
  });

  it('separates several challenges in one header and unescapes quoted characters', () => {
    expect(
      parseChallenges('Basic realm="a \\"quoted\\" realm", Bearer realm="https://t/token",error="invalid_token"'),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
      { scheme: 'bearer', params: { realm: 'https://t/token', error: 'invalid_token' } },
    ]);
  });

  it('returns nothing for an empty header', () => {
    expect(parseChallenges('')).toEqual([]);
  });
});
