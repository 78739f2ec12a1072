import type { ContainerInfo } from '@cj/domain';
import { findOrphans } from './find-orphans';

const container = (job: string, revision: number, env = 'prod'): ContainerInfo => ({
  id: `${env}-${job}-${revision}`,
  name: `cj-${env}-${job}-0-r${revision}`,
  host: 'h1',
  env,
  job,
  task: 0,
  revision,
  labels: {},
  image: 'demo:v1',
  imageId: 'sha256:0',
  state: 'exited',
  restartCount: 0,
  createdAt: '2026-01-01T00:00:00Z',
  health: 'none',
});

describe('findOrphans', () => {
  it('returns containers of unknown jobs and unknown revisions, in any environment', () => {
    const containers = [
      container('blog', 1),
      container('blog', 3),
      container('gone', 1),
      container('blog', 1, 'staging'),
    ];
    const orphans = findOrphans(containers, [{ env: 'prod', job: 'blog', revisions: [1, 2] }]);
    expect(orphans.map((c) => c.id)).toEqual(['prod-blog-3', 'prod-gone-1', 'staging-blog-1']);
  });

  it('returns nothing when every container belongs to a known revision', () => {
    expect(findOrphans([container('blog', 2)], [{ env: 'prod', job: 'blog', revisions: [2] }])).toEqual([]);
  });
});
