/**
 * The image registry port: what cj needs to know about the images a job can run.
 * Tags are mutable names; digests are immutable content addresses. A revision pins a digest.
 */

/** The platform an image manifest is built for (`linux/amd64`, `linux/arm64/v8`). */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** What a tag or digest resolves to, after picking one platform out of a multi-arch index. */
export interface ManifestInfo {
  /** Digest of the single-platform image manifest (`sha256:…`): what a task should run. */
  readonly digest: string;
  /** Media type of that image manifest (Docker schema2 or OCI). */
  readonly mediaType: string;
  /** Digest of the image config blob: the image id `docker inspect` shows. */
  readonly configDigest: string;
  readonly platform: Platform;
  /** Digest of the manifest list / OCI index the reference pointed at, when it was multi-arch. */
  readonly indexDigest?: string;
  /** Sum of the layer sizes and the config size, in bytes (compressed, as stored). */
  readonly size: number;
}

/** A tag as the operator chooses from when updating a job. */
export interface TagInfo {
  readonly tag: string;
  /** Digest of the single-platform image manifest. */
  readonly digest: string;
  /** The config digest (`sha256:…`), i.e. the image id. */
  readonly imageId: string;
  /** ISO 8601 creation time from the image config; absent when the image does not record one. */
  readonly created?: string;
  /** `.config.Labels` of the image config. */
  readonly labels: Readonly<Record<string, string>>;
  /** Sum of layer sizes and config size, in bytes. */
  readonly size: number;
  readonly platform: Platform;
}

/** Username and password (or an access token used as password) for one registry. */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** Machine-readable kind of every registry failure, so callers can act without parsing text. */
export type RegistryErrorCode =
  | 'REGISTRY_UNAUTHORIZED'
  | 'INVALID_REFERENCE'
  | 'REPOSITORY_NOT_FOUND'
  | 'MANIFEST_NOT_FOUND'
  | 'PLATFORM_NOT_FOUND'
  | 'UNSUPPORTED_MANIFEST'
  | 'RATE_LIMITED'
  | 'REGISTRY_UNREACHABLE'
  | 'REGISTRY_PROTOCOL'
  | 'REGISTRY_CONFIG';

export interface ImageRegistry {
  /** Every repository in the registry's catalog, all pages. */
  listRepositories(): Promise<string[]>;
  /** Every tag of a repository, all pages, in the registry's order. */
  listTags(repository: string): Promise<string[]>;
  /**
   * Resolves a tag or digest to one platform's image manifest.
   * Multi-arch references pick `platform` (default linux/amd64).
   */
  resolve(repository: string, tagOrDigest: string, platform?: Platform): Promise<ManifestInfo>;
  /** One tag with its digest, image id, created time, labels and size. */
  describeTag(repository: string, tag: string, platform?: Platform): Promise<TagInfo>;
  /** Every tag of a repository described, newest first (tags without a created time last). */
  describeTags(repository: string, platform?: Platform): Promise<TagInfo[]>;
  /** Deletes a manifest by digest (the registry must allow deletes). Tags pointing at it go too. */
  deleteManifest(repository: string, digest: string): Promise<void>;
}
