/** The labels by which cj finds its containers and tells their job, task, revision and rollout. */
export const LABEL = {
  env: 'cj.env',
  job: 'cj.job',
  task: 'cj.task',
  revision: 'cj.revision',
  rollout: 'cj.rollout',
  port: 'cj.port',
  /** The id of the store (the cluster) whose orchestrator created the container. */
  cluster: 'cj.cluster',
} as const;
