import type { DroppedHost, HostHold } from '@cj/api';
import { shortId } from './format';
import type { Output } from './output';

/** The plan's lines for hosts the file no longer names: `-` leaves the environment, `!` stays for now. */
export function printDroppedHosts(out: Output, hosts: readonly DroppedHost[]): void {
  const c = out.color;
  for (const entry of hosts) {
    out.line(
      entry.action === 'retire'
        ? `  ${c.red('-')} host ${entry.host}${c.dim(' (no longer in the file)')}`
        : `  ${c.yellow('!')} host ${entry.host}${c.dim(` (no longer in the file; kept while ${entry.holds.map((hold) => held(hold)).join(', ')})`)}`,
    );
  }
}

/** After an apply: what became of each dropped host, and for a kept one what lets it go. */
export function printDroppedHostOutcome(out: Output, hosts: readonly DroppedHost[]): void {
  for (const entry of hosts) {
    if (entry.action === 'retire') {
      out.line(`host ${entry.host}: retired`);
      continue;
    }
    const holds = entry.holds.map((hold) => held(hold, true)).join(', ');
    const advice = [...new Set(entry.holds.map((hold) => adviceFor(hold, entry.host)))].join('; ');
    out.line(`host ${entry.host}: kept while ${holds}; the first apply after that retires it (${advice})`);
  }
}

/** What holds the host, as a clause; with the container ids after an apply, when a person acts on them. */
function held(hold: HostHold, detailed = false): string {
  switch (hold.kind) {
    case 'task':
      return `${hold.job} task ${hold.task} runs there${detailed ? ` (container ${shortId(hold.containerId)})` : ''}`;
    case 'unexpected':
      return `a container of ${hold.job} that no task accounts for runs there${detailed ? ` (${shortId(hold.containerId)})` : ''}`;
    case 'rollout':
      return `rollout ${hold.rolloutId} of ${hold.job} is in progress`;
  }
}

function adviceFor(hold: HostHold, host: string): string {
  switch (hold.kind) {
    case 'task':
      // A successful rollout removes the containers its placement left behind (dropped or moved tasks).
      return `roll ${hold.job} out (cj rolling-update ${hold.job}): a rollout that succeeds removes what its new placement left on ${host}`;
    case 'unexpected':
      return 'remove that container: cj never stops one it did not start';
    case 'rollout':
      return `a rollback would start its old containers there again: wait for rollout ${hold.rolloutId} to end`;
  }
}
