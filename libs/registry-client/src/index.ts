export { RegistryClient, type RegistryClientOptions } from './registry-client';
export {
  RegistryError,
  RegistryUnauthorized,
  InvalidReference,
  RepositoryNotFound,
  ManifestNotFound,
  PlatformNotFound,
  UnsupportedManifest,
  RateLimited,
  RegistryUnreachable,
  RegistryProtocolError,
  RegistryConfigError,
  type RegistryErrorContext,
} from './errors';
export { defaultDockerConfigPath, readDockerConfigCredentials } from './auth/docker-config';
export type { RegistryEndpoint } from './endpoint';
