import type { ContainerInfo, ContainerRuntime, ContainerSpec } from '@cj/domain';

/**
 * Makes a task's container and starts it: the image is pulled when the host lacks it. A container
 * that never ran is removed (every container leaves files on its host; one that never ran is not
 * worth keeping). What `up` and reconcile do; a rollout creates and starts in separate steps.
 */
export async function startNewContainer(runtime: ContainerRuntime, spec: ContainerSpec): Promise<ContainerInfo> {
  await runtime.ensureImage(spec.image);
  const created = await runtime.create(spec);
  try {
    await runtime.start(created.id);
  } catch (error) {
    await runtime.remove(created.id).catch(() => undefined);
    throw error;
  }
  return created;
}
