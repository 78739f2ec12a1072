import type { ContainerInfo, ContainerRuntime, ContainerSpec } from '@cj/domain';
import { startNewContainer } from './start-new-container';

const spec = {
  env: 'prod',
  job: 'web',
  task: 0,
  revision: 1,
  image: { repository: 'demo', tag: 'v1' },
} as ContainerSpec;

/** An engine that records the calls it gets; its start fails when told to. */
function engine(startFails: boolean) {
  const calls: string[] = [];
  const runtime = {
    ensureImage: async () => {
      calls.push('ensureImage');
      return { imageId: 'sha256:1' };
    },
    create: async () => {
      calls.push('create');
      return { id: 'c-1' } as ContainerInfo;
    },
    start: async (id: string) => {
      calls.push(`start ${id}`);
      if (startFails) throw new Error('port 8080 in use');
    },
    remove: async (id: string) => {
      calls.push(`remove ${id}`);
    },
  } as unknown as ContainerRuntime;
  return { runtime, calls };
}

describe('startNewContainer', () => {
  it('given a host, when a task container is made, then the image is ensured, the container created and started', async () => {
    const { runtime, calls } = engine(false);
    await expect(startNewContainer(runtime, spec)).resolves.toMatchObject({ id: 'c-1' });
    expect(calls).toEqual(['ensureImage', 'create', 'start c-1']);
  });

  it('given a start that fails, when a task container is made, then the container that never ran is removed and the failure stands', async () => {
    const { runtime, calls } = engine(true);
    await expect(startNewContainer(runtime, spec)).rejects.toThrow('port 8080 in use');
    expect(calls).toEqual(['ensureImage', 'create', 'start c-1', 'remove c-1']);
  });
});
