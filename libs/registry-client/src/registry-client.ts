import { createHash } from 'node:crypto';
import type { ImageRegistry, ManifestInfo, Platform, RegistryCredentials, TagInfo } from '@cj/domain';
import { Authenticator } from './auth/authenticator';
import { defaultDockerConfigPath, readDockerConfigCredentials } from './auth/docker-config';
import { mapBounded } from './concurrency';
import { DigestCache } from './digest-cache';
import { resolveEndpoint, type RegistryEndpoint } from './endpoint';
import {
  ManifestNotFound,
  PlatformNotFound,
  RateLimited,
  RegistryConfigError,
  RegistryError,
  RegistryProtocolError,
  RegistryUnauthorized,
  RepositoryNotFound,
  UnsupportedManifest,
  type RegistryErrorContext,
} from './errors';
import { nextPageUrl } from './http/link';
import { HttpTransport, type HttpRequest, type HttpResponse } from './http/transport';
import { summarizeImageConfig, type ImageConfigSummary } from './manifest/image-config';
import {
  DEFAULT_PLATFORM,
  formatPlatform,
  isRecord,
  parseManifest,
  selectPlatform,
  type ImageIndex,
  type ImageManifest,
  type Manifest,
} from './manifest/manifest';
import { MANIFEST_ACCEPT } from './manifest/media-types';
import { checkDigest, checkRepository, checkTagOrDigest, isDigest } from './reference';

export interface RegistryClientOptions {
  /** `host[:port]` as in image references, or a URL (`https://registry.example`, `http://127.0.0.1:5000`). */
  readonly registry: string;
  /** Explicit credentials; they win over the Docker config file. */
  readonly credentials?: RegistryCredentials;
  /** Docker config file to take credentials from when none are given (default `~/.docker/config.json`); `false` for none. */
  readonly dockerConfigPath?: string | false;
  /** PEM CA certificate(s) of a privately signed HTTPS registry. */
  readonly caCertificate?: string | Buffer;
  /** Allow plain HTTP to a registry that is not on loopback. */
  readonly insecure?: boolean;
  /** Per request attempt, in ms (default 10 000). */
  readonly timeoutMs?: number;
  /** Retries after a 5xx answer or a network failure (default 3). */
  readonly retries?: number;
  /** First retry delay in ms, doubling each time (default 200). */
  readonly retryBaseDelayMs?: number;
  /** Requests in flight at once when describing many tags (default 4). */
  readonly concurrency?: number;
  /** Page size asked of `_catalog` and `tags/list` (default 100); registries may ignore it. */
  readonly pageSize?: number;
  /** Platform picked from multi-arch images when the caller names none (default linux/amd64). */
  readonly platform?: Platform;
  /** Clock for token expiry, in epoch ms. */
  readonly now?: () => number;
}

/**
 * Manifests and config blobs kept per client; each entry is a few kilobytes at most. Keys are
 * `repository@digest`: content is immutable, but whether a repository holds it is not shared.
 */
const CACHE_CAPACITY = 2_000;

/** The parts of a resolved reference that describing a tag needs beyond the ManifestInfo. */
interface ResolvedImage {
  readonly info: ManifestInfo;
  readonly config: ImageConfigSummary;
}

/** Docker Registry HTTP API v2 client for one registry. Call `close()` when done with it. */
export class RegistryClient implements ImageRegistry {
  readonly endpoint: RegistryEndpoint;
  private readonly transport: HttpTransport;
  private readonly authenticator: Authenticator;
  private readonly manifests = new DigestCache<Manifest>(CACHE_CAPACITY);
  private readonly configs = new DigestCache<ImageConfigSummary>(CACHE_CAPACITY);
  private readonly concurrency: number;
  private readonly pageSize: number;
  private readonly platform: Platform;
  private readonly now: () => number;

  constructor(options: RegistryClientOptions) {
    this.endpoint = resolveEndpoint(options.registry, {
      insecure: options.insecure,
      tls: options.caCertificate !== undefined,
    });
    this.transport = new HttpTransport({
      timeoutMs: options.timeoutMs ?? 10_000,
      retries: options.retries ?? 3,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 200,
      caCertificate: options.caCertificate,
    });
    this.now = options.now ?? Date.now;
    const { credentials, source } = this.findCredentials(options);
    this.authenticator = new Authenticator({
      credentials,
      credentialsSource: source,
      transport: this.transport,
      insecure: options.insecure ?? false,
      now: this.now,
    });
    this.concurrency = options.concurrency ?? 4;
    this.pageSize = options.pageSize ?? 100;
    this.platform = options.platform ?? DEFAULT_PLATFORM;
  }

  listRepositories(): Promise<string[]> {
    return this.listPages(`/v2/_catalog?n=${this.pageSize}`, 'registry:catalog:*', 'repositories', {
      registry: this.endpoint.name,
    });
  }

  listTags(repository: string): Promise<string[]> {
    const context = this.context(repository);
    checkRepository(context);
    return this.listPages(`/v2/${repository}/tags/list?n=${this.pageSize}`, pullScope(repository), 'tags', context);
  }

  async resolve(repository: string, tagOrDigest: string, platform?: Platform): Promise<ManifestInfo> {
    return (await this.resolveImage(repository, tagOrDigest, platform ?? this.platform)).info;
  }

  async describeTag(repository: string, tag: string, platform?: Platform): Promise<TagInfo> {
    const { info, config } = await this.resolveImage(repository, tag, platform ?? this.platform);
    return {
      tag,
      digest: info.digest,
      imageId: info.configDigest,
      ...(config.created === undefined ? {} : { created: config.created }),
      labels: config.labels,
      size: info.size,
      platform: info.platform,
    };
  }

  /**
   * Tags deleted while being listed, and tags without an image for the platform, are left out:
   * neither can be deployed there.
   */
  async describeTags(repository: string, platform?: Platform): Promise<TagInfo[]> {
    const tags = await this.listTags(repository);
    const described = await mapBounded(tags, this.concurrency, (tag) =>
      this.describeTag(repository, tag, platform).catch((error: unknown) => {
        if (error instanceof ManifestNotFound || error instanceof PlatformNotFound) return undefined;
        throw error;
      }),
    );
    return described.filter((info): info is TagInfo => info !== undefined).sort(newestFirst);
  }

  async deleteManifest(repository: string, digest: string): Promise<void> {
    const context = this.context(repository, digest);
    checkRepository(context);
    checkDigest(context, digest);
    const url = this.url(`/v2/${repository}/manifests/${digest}`);
    const response = await this.request({ method: 'DELETE', url }, deleteScope(repository), context);
    if (response.status === 202 || response.status === 200) {
      this.manifests.delete(`${repository}@${digest}`);
      return;
    }
    if (response.status === 405) {
      throw new RegistryConfigError(
        context,
        'The registry does not allow deleting manifests',
        'Enable deletes in the registry configuration (storage.delete.enabled: true for docker/distribution).',
      );
    }
    throw this.failure(response, context);
  }

  /** Releases the connection pool. */
  close(): Promise<void> {
    return this.transport.close();
  }

  private async resolveImage(repository: string, reference: string, platform: Platform): Promise<ResolvedImage> {
    const context = this.context(repository, reference);
    checkRepository(context);
    checkTagOrDigest(context, reference);
    const digest = isDigest(reference) ? reference : await this.headDigest(repository, reference, context);
    const top = await this.manifestByDigest(repository, digest, context);
    const chosen =
      top.kind === 'index' ? await this.imageForPlatform(repository, top, platform, context) : { image: top, digest };
    const { image } = chosen;
    const configDigest = image.config.digest;
    const config = await this.configs.get(`${repository}@${configDigest}`, () =>
      this.fetchConfig(repository, configDigest, context),
    );
    const info: ManifestInfo = {
      digest: chosen.digest,
      mediaType: image.mediaType,
      configDigest,
      platform: chosen.platform ?? config.platform ?? platform,
      ...(top.kind === 'index' ? { indexDigest: digest } : {}),
      size: image.config.size + image.layers.reduce((sum, layer) => sum + layer.size, 0),
    };
    return { info, config };
  }

  private async imageForPlatform(
    repository: string,
    index: ImageIndex,
    platform: Platform,
    context: RegistryErrorContext,
  ): Promise<{ image: ImageManifest; digest: string; platform?: Platform }> {
    const entry = selectPlatform(index, platform);
    if (!entry) {
      const available = index.manifests.flatMap((candidate) =>
        candidate.platform ? [formatPlatform(candidate.platform)] : [],
      );
      throw new PlatformNotFound(context, formatPlatform(platform), available);
    }
    const image = await this.manifestByDigest(repository, entry.digest, context);
    if (image.kind !== 'image')
      throw new RegistryProtocolError(context, `index entry ${entry.digest} is not an image manifest`);
    return { image, digest: entry.digest, platform: entry.platform };
  }

  /**
   * A tag's current digest, from a HEAD (cheap, and not counted as a pull by rate-limited
   * registries). Registries that omit Docker-Content-Digest get a GET, whose body is then cached.
   */
  private async headDigest(repository: string, tag: string, context: RegistryErrorContext): Promise<string> {
    const url = this.url(`/v2/${repository}/manifests/${tag}`);
    const head = await this.request(
      { method: 'HEAD', url, headers: { accept: MANIFEST_ACCEPT } },
      pullScope(repository),
      context,
    );
    if (head.status === 404) throw await this.notFound(repository, context);
    if (head.status !== 200) throw this.failure(head, context);
    rejectUnsupported(head.headers.get('content-type'), context);
    const digest = head.headers.get('docker-content-digest');
    if (digest && isDigest(digest)) return digest;
    const fetched = await this.fetchManifest(repository, tag, context);
    await this.manifests.get(`${repository}@${fetched.digest}`, async () => fetched.manifest);
    return fetched.digest;
  }

  private manifestByDigest(repository: string, digest: string, context: RegistryErrorContext): Promise<Manifest> {
    return this.manifests.get(
      `${repository}@${digest}`,
      async () => (await this.fetchManifest(repository, digest, context)).manifest,
    );
  }

  private async fetchManifest(
    repository: string,
    reference: string,
    context: RegistryErrorContext,
  ): Promise<{ digest: string; manifest: Manifest }> {
    const response = await this.request(
      {
        method: 'GET',
        url: this.url(`/v2/${repository}/manifests/${reference}`),
        headers: { accept: MANIFEST_ACCEPT },
      },
      pullScope(repository),
      context,
    );
    if (response.status === 404) throw await this.notFound(repository, context);
    if (response.status !== 200) throw this.failure(response, context);
    const contentType = response.headers.get('content-type') ?? undefined;
    rejectUnsupported(contentType, context);
    const digest = isDigest(reference)
      ? verifyDigest(response.body, reference, context)
      : `sha256:${sha256(response.body)}`;
    const parsed = parseManifest(response.body.toString('utf8'), contentType);
    if (parsed.ok) return { digest, manifest: parsed.manifest };
    if (parsed.problem.kind === 'unsupported') throw new UnsupportedManifest(context, parsed.problem.mediaType);
    throw new RegistryProtocolError(context, `manifest ${reference}: ${parsed.problem.detail}`);
  }

  private async fetchConfig(
    repository: string,
    digest: string,
    context: RegistryErrorContext,
  ): Promise<ImageConfigSummary> {
    const response = await this.request(
      { method: 'GET', url: this.url(`/v2/${repository}/blobs/${digest}`) },
      pullScope(repository),
      context,
    );
    if (response.status !== 200) throw this.failure(response, context);
    verifyDigest(response.body, digest, context);
    const summary = summarizeImageConfig(response.body.toString('utf8'));
    if (!summary) throw new RegistryProtocolError(context, `image config ${digest} is not a JSON object`);
    return summary;
  }

  private async listPages(
    firstPath: string,
    scope: string,
    field: 'repositories' | 'tags',
    context: RegistryErrorContext,
  ): Promise<string[]> {
    const items: string[] = [];
    const seen = new Set<string>();
    let url: string | undefined = this.url(firstPath);
    while (url) {
      if (seen.has(url)) throw new RegistryProtocolError(context, `pagination loops back to ${url}`);
      seen.add(url);
      const response = await this.request(
        { method: 'GET', url, headers: { accept: 'application/json' } },
        scope,
        context,
      );
      if (response.status !== 200) throw this.failure(response, context);
      items.push(...readList(response.body, field, context));
      url = nextPageUrl(response.headers.get('link'), url);
      // Credentials go only to the registry itself, never to another origin a Link points at.
      if (url && new URL(url).origin !== new URL(this.endpoint.baseUrl).origin) {
        throw new RegistryProtocolError(context, `the next page link leaves the registry (${url})`);
      }
    }
    return items;
  }

  /** One authorized request: answers a 401 challenge once, and turns 403 and 429 into errors. */
  private async request(request: HttpRequest, scope: string, context: RegistryErrorContext): Promise<HttpResponse> {
    const send = async (): Promise<HttpResponse> => {
      const authorization = await this.authenticator.authorization(scope, context);
      return this.transport.send(
        { ...request, headers: { ...request.headers, ...(authorization ? { authorization } : {}) } },
        context,
      );
    };
    let response = await send();
    if (response.status === 401) {
      this.authenticator.acceptChallenge(response.headers.get('www-authenticate'), scope, context);
      response = await send();
      if (response.status === 401) throw new RegistryUnauthorized(context, this.authenticator.describeRefusal());
    }
    if (response.status === 403)
      throw new RegistryUnauthorized(context, `access denied (${errorMessages(response) || 'HTTP 403'})`);
    if (response.status === 429)
      throw new RateLimited(context, retryAfterSeconds(response.headers.get('retry-after'), this.now()));
    return response;
  }

  /**
   * Registries answer a missing tag and a missing repository alike (MANIFEST_UNKNOWN); the tags
   * list tells them apart, so the operator learns which name is wrong.
   */
  private async notFound(repository: string, context: RegistryErrorContext): Promise<RegistryError> {
    const response = await this.request(
      { method: 'GET', url: this.url(`/v2/${repository}/tags/list?n=1`), headers: { accept: 'application/json' } },
      pullScope(repository),
      context,
    );
    return response.status === 404 && errorCodes(response).includes('NAME_UNKNOWN')
      ? new RepositoryNotFound(context)
      : new ManifestNotFound(context);
  }

  /** The typed error for an answer the caller did not expect, read from the registry's error codes. */
  private failure(response: HttpResponse, context: RegistryErrorContext): RegistryError {
    const codes = errorCodes(response);
    if (response.status === 404) {
      if (codes.includes('NAME_UNKNOWN')) return new RepositoryNotFound(context);
      if (context.reference !== undefined) return new ManifestNotFound(context);
      return new RepositoryNotFound(context);
    }
    const detail = errorMessages(response);
    return new RegistryProtocolError(context, `HTTP ${response.status}${detail ? `: ${detail}` : ''}`, response.status);
  }

  private findCredentials(options: RegistryClientOptions): { credentials?: RegistryCredentials; source: string } {
    if (options.credentials) return { credentials: options.credentials, source: 'credentials given explicitly' };
    if (options.dockerConfigPath === false) return { source: 'no credentials configured' };
    const path = options.dockerConfigPath ?? defaultDockerConfigPath();
    const credentials = readDockerConfigCredentials(path, this.endpoint.name);
    return credentials
      ? { credentials, source: `credentials from ${path}` }
      : { source: `no entry for ${this.endpoint.name} in ${path}` };
  }

  private context(repository: string, reference?: string): RegistryErrorContext {
    return reference === undefined
      ? { registry: this.endpoint.name, repository }
      : { registry: this.endpoint.name, repository, reference };
  }

  private url(path: string): string {
    return this.endpoint.baseUrl + path;
  }
}

function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

function deleteScope(repository: string): string {
  return `repository:${repository}:delete`;
}

function newestFirst(a: TagInfo, b: TagInfo): number {
  const timeA = a.created === undefined ? NaN : Date.parse(a.created);
  const timeB = b.created === undefined ? NaN : Date.parse(b.created);
  if (Number.isNaN(timeA) !== Number.isNaN(timeB)) return Number.isNaN(timeA) ? 1 : -1;
  if (!Number.isNaN(timeA) && timeA !== timeB) return timeB - timeA;
  return a.tag.localeCompare(b.tag);
}

function rejectUnsupported(contentType: string | null | undefined, context: RegistryErrorContext): void {
  const mediaType = contentType?.split(';')[0].trim();
  if (mediaType?.startsWith('application/vnd.docker.distribution.manifest.v1'))
    throw new UnsupportedManifest(context, mediaType);
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Content fetched by digest must hash to it: a registry or proxy must not substitute content. */
function verifyDigest(body: Buffer, digest: string, context: RegistryErrorContext): string {
  const [algorithm, hex] = digest.split(':');
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new RegistryProtocolError(context, `digest algorithm "${algorithm}" is not supported (sha256, sha512)`);
  }
  const actual = createHash(algorithm).update(body).digest('hex');
  if (actual !== hex)
    throw new RegistryProtocolError(context, `content fetched for ${digest} hashes to ${algorithm}:${actual}`);
  return digest;
}

function readList(body: Buffer, field: 'repositories' | 'tags', context: RegistryErrorContext): string[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new RegistryProtocolError(context, `the ${field} list is not JSON`);
  }
  if (!isRecord(json)) throw new RegistryProtocolError(context, `the ${field} list is not a JSON object`);
  const list = json[field];
  // A repository whose tags were all deleted lists `"tags": null`.
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) {
    throw new RegistryProtocolError(context, `"${field}" is not a list of names`);
  }
  return list as string[];
}

function registryErrors(response: HttpResponse): { code?: unknown; message?: unknown }[] {
  try {
    const json: unknown = JSON.parse(response.body.toString('utf8'));
    return isRecord(json) && Array.isArray(json.errors) ? json.errors.filter(isRecord) : [];
  } catch {
    return [];
  }
}

function errorCodes(response: HttpResponse): string[] {
  return registryErrors(response).flatMap((error) => (typeof error.code === 'string' ? [error.code] : []));
}

function errorMessages(response: HttpResponse): string {
  return registryErrors(response)
    .map((error) => [error.code, error.message].filter((part) => typeof part === 'string').join(': '))
    .join('; ');
}

/** `Retry-After` is either seconds or an HTTP date. */
function retryAfterSeconds(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
