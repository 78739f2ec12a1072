import { parseManifest, selectPlatform, type ImageIndex } from './manifest';
import { MediaType } from './media-types';

const entry = (digest: string, architecture: string, variant?: string) => ({
  mediaType: MediaType.ociManifest,
  digest,
  size: 1,
  platform: variant ? { os: 'linux', architecture, variant } : { os: 'linux', architecture },
});

describe('manifests', () => {
  const index: ImageIndex = {
    kind: 'index',
    mediaType: MediaType.ociIndex,
    manifests: [
      entry('sha256:a1', 'arm', 'v6'),
      entry('sha256:a2', 'arm', 'v7'),
      entry('sha256:b', 'amd64'),
      entry('sha256:c', 'arm64', 'v8'),
    ],
  };

  it('selects the exact variant asked for', () => {
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v7' })?.digest).toBe('sha256:a2');
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v5' })).toBeUndefined();
  });

  it('takes any variant of the architecture when none is asked for', () => {
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm64' })?.digest).toBe('sha256:c');
    expect(selectPlatform(index, { os: 'linux', architecture: 'amd64' })?.digest).toBe('sha256:b');
    expect(selectPlatform(index, { os: 'windows', architecture: 'amd64' })).toBeUndefined();
  });

  it('takes the media type from the Content-Type when the body has none', () => {
    const body = JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:c', size: 2 }, layers: [] });

    expect(parseManifest(body, `${MediaType.ociManifest}; charset=utf-8`)).toMatchObject({
      ok: true,
      manifest: { kind: 'image', mediaType: MediaType.ociManifest },
    });
  });

  it('flags schema1 and malformed manifests', () => {
    expect(parseManifest(JSON.stringify({ schemaVersion: 1 }), MediaType.dockerSchema1Signed)).toEqual({
      ok: false,
      problem: { kind: 'unsupported', mediaType: MediaType.dockerSchema1Signed },
    });
    expect(parseManifest(JSON.stringify({ mediaType: MediaType.dockerManifest, layers: [] }), undefined)).toEqual({
      ok: false,
      problem: { kind: 'malformed', detail: 'image manifest has no valid config descriptor' },
    });
  });
});
