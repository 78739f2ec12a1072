import { ImagePusher, type PushedImage } from './image-pusher';

/** What `pushDemoImages` put in the registry, for tests to compare against. */
export interface DemoImages {
  /** `demo`: v1, v2, v3 (created a month apart, v3 newest), `latest` = v3, `undated` without a created time. */
  readonly demo: Readonly<Record<'v1' | 'v2' | 'v3' | 'undated', PushedImage>>;
  /** `oci/app:1.0`: an OCI image manifest. */
  readonly ociApp: PushedImage;
  /** `multi`: `list` is a Docker manifest list, `index` an OCI index, both of linux/amd64 and linux/arm64/v8. */
  readonly multi: {
    readonly amd64: PushedImage;
    readonly arm64: PushedImage;
    readonly ociAmd64: PushedImage;
    readonly ociArm64: PushedImage;
    readonly listDigest: string;
    readonly indexDigest: string;
  };
  /** `many`: this many tags (t000, t001, …) of one image, more than a page. */
  readonly manyTags: readonly string[];
}

export const DEMO_CREATED = {
  v1: '2024-01-01T10:00:00.123456789Z',
  v2: '2024-02-01T10:00:00Z',
  v3: '2024-03-01T10:00:00.5Z',
} as const;

/** Fills a registry with the images the registry tests (and anyone needing real tags) use. */
export async function pushDemoImages(baseUrl: string, manyTagCount = 120): Promise<DemoImages> {
  const pusher = new ImagePusher(baseUrl);
  const version = (tag: 'v1' | 'v2' | 'v3') =>
    pusher.pushImage('demo', tag, {
      created: DEMO_CREATED[tag],
      labels: { 'org.example.version': tag },
      layers: [`base layer`, `app ${tag}`],
    });
  const demo = {
    v1: await version('v1'),
    v2: await version('v2'),
    v3: await version('v3'),
    undated: await pusher.pushImage('demo', 'undated', { labels: {} }),
  };
  await pusher.pushImage('demo', 'latest', {
    created: DEMO_CREATED.v3,
    labels: { 'org.example.version': 'v3' },
    layers: ['base layer', 'app v3'],
  });

  const ociApp = await pusher.pushImage('oci/app', '1.0', {
    format: 'oci',
    created: '2024-04-01T00:00:00Z',
    labels: { kind: 'oci' },
  });

  const arch = (format: 'docker' | 'oci', architecture: string, variant?: string) =>
    pusher.pushImage('multi', undefined, {
      format,
      architecture,
      variant,
      created: '2024-05-01T00:00:00Z',
      layers: [`${format} ${architecture}`],
    });
  const amd64 = await arch('docker', 'amd64');
  const arm64 = await arch('docker', 'arm64', 'v8');
  const ociAmd64 = await arch('oci', 'amd64');
  const ociArm64 = await arch('oci', 'arm64', 'v8');
  const listDigest = await pusher.pushIndex('multi', 'list', 'docker', [
    { image: amd64, platform: { os: 'linux', architecture: 'amd64' } },
    { image: arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ]);
  const indexDigest = await pusher.pushIndex('multi', 'index', 'oci', [
    { image: ociArm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { image: ociAmd64, platform: { os: 'linux', architecture: 'amd64' } },
  ]);

  const many = await pusher.pushImage('many', 't000', { created: '2024-06-01T00:00:00Z' });
  const manyTags = Array.from({ length: manyTagCount }, (_, i) => `t${String(i).padStart(3, '0')}`);
  const manifest = await pusher.fetchManifest('many', many.digest);
  for (const tag of manyTags.slice(1)) await pusher.putManifest('many', tag, manifest.body, manifest.mediaType);

  return { demo, ociApp, multi: { amd64, arm64, ociAmd64, ociArm64, listDigest, indexDigest }, manyTags };
}
