export * from './model';
export { parseJobsFile, type JobsFileSource, type ParseOptions, type ParseResult } from './parse-jobs-file';
export type { JobSource, JobsFileSourceMap, SourcePosition } from './source-map';
export { formatErrors, JobsFileError, type JobsFileIssue } from './issues';
export { detectFormat, type JobsFileFormat } from './source/detect-format';
export {
  DEFAULT_ENVIRONMENT,
  DEFAULT_HEALTH,
  DEFAULT_HEALTH_TIMING,
  DEFAULT_RECONCILE,
  DEFAULT_RESTART,
  DEFAULT_UPDATE_POLICY,
} from './defaults';
export { formatImageRef, parseImageRef } from './values/image-ref';
export { parseMemory } from './values/memory';
export {
  formatSshHostKey,
  parseSshHostKey,
  SSH_HOST_KEY_TYPES,
  type SshHostKey,
  type SshHostKeyType,
} from './values/ssh-host-key';
export { closest } from './suggest';
export { NAME_PATTERN } from './dto/rules';
export { SENSITIVE_HOST_PATHS, type HostPolicy, type MountAllowance } from './checks/allow-lists';
export { placeTasks, type Placement } from './placement';
export { jobsFileSchema } from './schema';
