export * from './errors';
export { DockerRuntime, type DockerRuntimeOptions } from './runtime/docker-runtime';
export { ClusterRuntime } from './runtime/cluster-runtime';
export { InvalidEndpoint, type SshOptions } from './runtime/endpoint';
export { SshFailure, SshHostKeyRefused, type HostKeyRefusal } from './runtime/ssh-failure';
export { LABEL } from './runtime/labels';
export {
  containerName,
  imageReference,
  STANDARD_CONFIG_DEFAULTS,
  type StandardConfigOptions,
} from './runtime/standard-config';
export { TaskHealthProbe } from './health/task-health-probe';
export { ProbeTargetIncomplete } from './health/container-probes';
export { probeUntil, type ProbeOutcome } from './health/probe-until';
export { startNewContainer } from './runtime/start-new-container';
export { removeReplaced } from './hygiene/remove-replaced';
export { findOrphans, type KnownJobRevisions } from './hygiene/find-orphans';
