/**
 * The orchestrator's API as a contract: the shapes of its requests and answers, and the facts a
 * client checks or reads the same way the orchestrator does (limits, durations, Docker endpoints,
 * which rollout phases are final). Imports no other cj library; the CLI and the web console use
 * it at run time.
 */
export * from './http-api';
export * from './problem';
export * from './job-spec';
export * from './recorded';
export * from './rollout-phase';
export * from './duration';
export * from './docker-endpoint';
export * from './host-target';
export * from './limits';
