import type { CommandContext } from '../store/command-context';
import type { StreamWriter } from '../store/stream-writer';
import { recordOnHosts } from './record-host-commands';
import type { HostSpec } from '@cj/api';

/**
 * Records where each host is (only hosts that are new or moved get an event), so that `up` and
 * rollouts know every task's engine. Returns the global position of the last event written.
 */
export function declareHosts(
  writer: StreamWriter,
  env: string,
  hosts: readonly HostSpec[],
  context: CommandContext,
): Promise<bigint | undefined> {
  return recordOnHosts(
    writer,
    env,
    hosts.map((host) => ({ host: host.name, command: { type: 'DeclareHost', data: host, metadata: context } })),
  );
}
