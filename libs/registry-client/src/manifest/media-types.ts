/** Manifest media types of the Docker Registry v2 and OCI image specifications. */
export const MediaType = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/**
 * Sent on every manifest request. Naming only current types matters: a registry that is not told
 * the client reads schema2 down-converts to schema1, which has a different (unstable) digest.
 */
export const MANIFEST_ACCEPT = [
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.ociIndex,
].join(', ');

export const IMAGE_MANIFEST_TYPES: ReadonlySet<string> = new Set([MediaType.dockerManifest, MediaType.ociManifest]);
export const INDEX_TYPES: ReadonlySet<string> = new Set([MediaType.dockerManifestList, MediaType.ociIndex]);
