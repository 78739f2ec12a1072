/**
 * Every API path the status page reads, as templates (`{env}`, `{job}`, `{task}` are filled in and
 * URL-encoded by the page). Only GETs: the page never changes anything. The page's script is given
 * this object, so this list is the whole of what it may call.
 */
export const PAGE_API = {
  environments: '/v1/envs',
  status: '/v1/envs/{env}/status',
  hosts: '/v1/envs/{env}/hosts',
  rollouts: '/v1/envs/{env}/rollouts',
  audit: '/v1/envs/{env}/audit?limit=50',
  logs: '/v1/envs/{env}/jobs/{job}/logs?task={task}&tail=200&follow=true',
} as const;

export type PageApi = typeof PAGE_API;
