export {
  ORCHESTRATOR_BIN,
  OrchestratorProcess,
  type HttpAnswer,
  type OrchestratorProcessOptions,
} from './orchestrator-process';
export { demoJobsFile, type DemoJob } from './jobs-files';
export { freePort } from '@cj/docker-adapter/testing';
export { waitUntil } from './wait-until';
