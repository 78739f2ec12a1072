/**
 * The orchestrator's API as a contract: the shapes of its requests and answers, and the facts a
 * client checks or reads the same way the orchestrator does (limits, durations, Docker endpoints,
 * which rollout phases are final). Imports no other cj library; the CLI and the web console use
 * it at run time.
 */
export * from './wire';
export * from './duration';
export * from './docker-endpoint';
export * from './limits';
