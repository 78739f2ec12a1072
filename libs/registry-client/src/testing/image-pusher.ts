import { createHash } from 'node:crypto';
import { MediaType } from '../manifest/media-types';

/** An image to push; content is made up, since only the registry's view of it matters. */
export interface TestImage {
  readonly format?: 'docker' | 'oci';
  /** ISO 8601 time written into the config's `created`; absent leaves `created` out. */
  readonly created?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
  /** Layer contents (stored as-is; the registry does not unpack them). */
  readonly layers?: readonly string[];
}

export interface PushedImage {
  readonly digest: string;
  readonly mediaType: string;
  readonly configDigest: string;
  /** Config size plus layer sizes. */
  readonly size: number;
  /** Size of the manifest itself, for building an index. */
  readonly manifestSize: number;
}

export interface IndexEntry {
  readonly image: PushedImage;
  readonly platform: { readonly os: string; readonly architecture: string; readonly variant?: string };
}

/**
 * Pushes images straight through the Registry HTTP API: monolithic blob uploads (POST to open
 * an upload, one PUT with the content and its digest) and manifest PUTs. No Docker engine needed.
 */
export class ImagePusher {
  constructor(private readonly baseUrl: string) {}

  async pushImage(repository: string, tag: string | undefined, image: TestImage): Promise<PushedImage> {
    const oci = image.format === 'oci';
    const config = Buffer.from(
      JSON.stringify({
        ...(image.created === undefined ? {} : { created: image.created }),
        architecture: image.architecture ?? 'amd64',
        os: image.os ?? 'linux',
        ...(image.variant === undefined ? {} : { variant: image.variant }),
        config: { Labels: image.labels ?? {}, Cmd: ['/bin/sh'] },
        rootfs: { type: 'layers', diff_ids: (image.layers ?? []).map((layer) => digestOf(Buffer.from(layer))) },
      }),
    );
    const configDigest = await this.uploadBlob(repository, config);
    const layers = [];
    for (const content of image.layers ?? ['layer of ' + repository]) {
      const body = Buffer.from(content);
      const digest = await this.uploadBlob(repository, body);
      layers.push({ mediaType: oci ? MediaType.ociLayer : MediaType.dockerLayer, size: body.length, digest });
    }
    const mediaType = oci ? MediaType.ociManifest : MediaType.dockerManifest;
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType,
        config: {
          mediaType: oci ? MediaType.ociConfig : MediaType.dockerConfig,
          size: config.length,
          digest: configDigest,
        },
        layers,
      }),
    );
    const digest = await this.putManifest(repository, tag ?? digestOf(manifest), manifest, mediaType);
    const size = config.length + layers.reduce((sum, layer) => sum + layer.size, 0);
    return { digest, mediaType, configDigest, size, manifestSize: manifest.length };
  }

  /** Pushes a Docker manifest list or an OCI index over images already pushed to the repository. */
  async pushIndex(
    repository: string,
    tag: string,
    format: 'docker' | 'oci',
    entries: readonly IndexEntry[],
  ): Promise<string> {
    const mediaType = format === 'oci' ? MediaType.ociIndex : MediaType.dockerManifestList;
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType,
        manifests: entries.map(({ image, platform }) => ({
          mediaType: image.mediaType,
          size: image.manifestSize,
          digest: image.digest,
          platform,
        })),
      }),
    );
    return this.putManifest(repository, tag, body, mediaType);
  }

  /** The stored bytes of a manifest, to put the very same manifest under other tags. */
  async fetchManifest(repository: string, digest: string): Promise<{ body: Buffer; mediaType: string }> {
    const response = await fetch(`${this.baseUrl}/v2/${repository}/manifests/${digest}`, {
      headers: { accept: [MediaType.dockerManifest, MediaType.ociManifest].join(', ') },
    });
    if (response.status !== 200) throw new Error(`get manifest ${repository}@${digest}: HTTP ${response.status}`);
    return {
      body: Buffer.from(await response.arrayBuffer()),
      mediaType: response.headers.get('content-type') ?? MediaType.dockerManifest,
    };
  }

  async uploadBlob(repository: string, content: Buffer): Promise<string> {
    const digest = digestOf(content);
    const opened = await fetch(`${this.baseUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    await expectStatus(opened, 202, `open upload in ${repository}`);
    const location = new URL(opened.headers.get('location') ?? '', this.baseUrl);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      body: new Uint8Array(content),
      headers: { 'content-type': 'application/octet-stream' },
    });
    await expectStatus(put, 201, `upload blob ${digest} to ${repository}`);
    return digest;
  }

  async putManifest(repository: string, reference: string, body: Buffer, mediaType: string): Promise<string> {
    const put = await fetch(`${this.baseUrl}/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      body: new Uint8Array(body),
      headers: { 'content-type': mediaType },
    });
    await expectStatus(put, 201, `put manifest ${repository}:${reference}`);
    return digestOf(body);
  }
}

export function digestOf(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${text}`);
}
