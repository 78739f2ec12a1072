import type { ComponentChildren } from 'preact';
import type { AuditEntry, HostView, RolloutView, StatusResponse, TaskStatus, TimelineEntry } from '@cj/api';
import { clockTime, imageName, revision, since } from './format';

/** A table with a caption (its accessible name) and a row saying so when it is empty. */
export function Table(props: {
  id: string;
  caption: string;
  headers: readonly string[];
  empty: string;
  children: ComponentChildren[];
}) {
  return (
    // Focusable: a table wider than a phone scrolls sideways from the keyboard too.
    <div class="scroll" tabIndex={0} role="region" aria-label={props.caption}>
      <table id={props.id}>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.headers.map((header) => (
              <th scope="col" key={header}>
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.children.length > 0 ? (
            props.children
          ) : (
            <tr>
              <td class="empty" colSpan={props.headers.length}>
                {props.empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A free-text cell (a reason, a failure's detail) of a fixed width on one line, whole in its tooltip:
 * text arriving live never makes a row taller or a column wider, so nothing on screen moves.
 */
function Text(props: { value: string | undefined }) {
  return (
    <td class="text" title={props.value}>
      {props.value ?? ''}
    </td>
  );
}

export function TasksTable(props: {
  status: StatusResponse | undefined;
  now: number;
  onLogs: (task: TaskStatus) => void;
  shell?: (task: TaskStatus) => void;
}) {
  const tasks = props.status?.tasks ?? [];
  return (
    <Table
      id="tasks"
      caption="Tasks, desired beside observed"
      headers={['job', 'task', 'host:port', 'desired', 'observed', 'state', 'health', 'up', '']}
      empty="No jobs in this environment yet: cj apply jobs.yaml"
    >
      {tasks.map((task) => {
        const seen = task.observed;
        // A container of an earlier revision that differs only in policy is up to date (it landed in place).
        const drift = !seen || !(seen.upToDate ?? seen.revision === task.desired.revision);
        return (
          <tr key={`${task.job}/${task.task}`} data-job={task.job} data-task={task.task}>
            <td>{task.job}</td>
            <td>{task.task}</td>
            <td>
              {task.host}:{task.port}
            </td>
            <td>
              {revision(task.desired.revision)} {imageName(task.desired.image)} ({task.desired.state})
            </td>
            <td class={drift ? 'warn' : 'ok'} data-cell="observed-revision">
              {seen ? revision(seen.revision) : 'none'}
            </td>
            <td class={seen ? seen.state : 'muted'} data-cell="state">
              {seen ? seen.state : 'no container'}
            </td>
            <td class={seen?.health ?? ''} data-cell="health">
              {seen?.health ?? ''}
            </td>
            <td>{seen ? since(seen.startedAt, props.now) : ''}</td>
            <td class="actions">
              <button
                type="button"
                onClick={() => props.onLogs(task)}
                aria-label={`logs of ${task.job} task ${task.task}`}
              >
                logs
              </button>
              {props.shell && seen?.state === 'running' && (
                <button
                  type="button"
                  onClick={() => props.shell?.(task)}
                  aria-label={`shell into ${task.job} task ${task.task}`}
                >
                  shell
                </button>
              )}
            </td>
          </tr>
        );
      })}
    </Table>
  );
}

export function HostsTable(props: { hosts: readonly HostView[]; now: number }) {
  return (
    <Table
      id="hosts"
      caption="Hosts"
      headers={['host', 'address', 'engine', 'version', 'containers', 'seen']}
      empty="No hosts declared."
    >
      {props.hosts.map((host) => (
        <tr key={host.name}>
          <td>{host.name}</td>
          <td>{host.address}</td>
          <td class={host.reachable ? 'ok' : 'bad'}>{host.reachable ? 'reachable' : 'unreachable'}</td>
          <td>{host.engineVersion ?? ''}</td>
          <td>{host.containers}</td>
          <td>{since(host.lastSeen, props.now)}</td>
        </tr>
      ))}
    </Table>
  );
}

function Progress(props: { rollout: RolloutView }) {
  const total = props.rollout.tasks.length;
  const updated = props.rollout.tasks.filter((task) => task.phase === 'updated').length;
  const reverted = props.rollout.tasks.filter((task) => task.phase === 'reverted').length;
  return (
    <>
      <progress max={Math.max(total, 1)} value={updated} aria-label={`${updated} of ${total} tasks updated`} />{' '}
      {updated}/{total} updated{reverted > 0 ? `, ${reverted} reverted` : ''}
    </>
  );
}

export function RolloutsTable(props: {
  rollouts: readonly RolloutView[];
  selected?: string;
  onSelect: (id: string) => void;
  controls?: (rollout: RolloutView) => ComponentChildren;
}) {
  return (
    <Table
      id="rollouts"
      caption="Rollouts, newest first"
      headers={['started', 'id', 'job', 'revisions', 'phase', 'progress', 'reason', '']}
      empty="No rollouts yet."
    >
      {props.rollouts.map((rollout) => (
        <tr key={rollout.id} data-rollout={rollout.id} aria-selected={rollout.id === props.selected}>
          <td>{clockTime(rollout.startedAt)}</td>
          <td title={rollout.id}>{rollout.id.slice(0, 8)}</td>
          <td>{rollout.job}</td>
          <td>
            {revision(rollout.fromRevision)} → {revision(rollout.toRevision)}
          </td>
          <td class={rollout.phase} data-cell="phase">
            {rollout.phase}
          </td>
          <td>
            <Progress rollout={rollout} />
          </td>
          <Text value={rollout.reason} />
          <td class="actions">
            <button
              type="button"
              onClick={() => props.onSelect(rollout.id)}
              aria-label={`steps of rollout ${rollout.id.slice(0, 8)}`}
            >
              steps
            </button>
            {props.controls?.(rollout)}
          </td>
        </tr>
      ))}
    </Table>
  );
}

/** One rollout task by task: phase and the latest health check's result, as they land. */
export function RolloutTasks(props: { rollout: RolloutView; id?: string; caption?: string }) {
  return (
    <Table
      id={props.id ?? 'rollout-tasks'}
      caption={props.caption ?? `Tasks of rollout ${props.rollout.id}`}
      headers={['task', 'host', 'revisions', 'phase', 'health', 'detail']}
      empty="No tasks."
    >
      {props.rollout.tasks.map((task) => (
        <tr key={task.task} data-task={task.task}>
          <td>{task.task}</td>
          <td>{task.host}</td>
          <td>
            {revision(task.fromRevision)} → {revision(task.toRevision)}
          </td>
          <td class={task.phase} data-cell="phase">
            {task.phase}
          </td>
          <td class={task.health ?? ''} data-cell="health">
            {task.health ?? ''}
          </td>
          <Text value={task.detail} />
        </tr>
      ))}
    </Table>
  );
}

export function AuditTable(props: { id: string; caption: string; entries: readonly AuditEntry[] }) {
  return (
    <Table
      id={props.id}
      caption={props.caption}
      headers={['at', 'event', 'actor', 'what', 'reason']}
      empty="Nothing recorded yet."
    >
      {props.entries.map((entry) => (
        <tr key={entry.position}>
          <td>{clockTime(entry.at)}</td>
          <td>{entry.type}</td>
          <td>{entry.actor}</td>
          <Text value={entry.summary} />
          <Text value={entry.reason} />
        </tr>
      ))}
    </Table>
  );
}

export function TimelineTable(props: { entries: readonly TimelineEntry[] }) {
  return (
    <Table
      id="timeline"
      caption="What ran where at the chosen moment"
      headers={['host', 'job', 'task', 'revision', 'image', 'container', 'from', 'to']}
      empty="Nothing ran at that moment."
    >
      {props.entries.map((entry) => (
        <tr key={`${entry.containerId}`} data-job={entry.job} data-task={entry.task}>
          <td>{entry.host}</td>
          <td>{entry.job}</td>
          <td>{entry.task}</td>
          <td data-cell="revision">{revision(entry.revision)}</td>
          <td>{imageName(entry.image)}</td>
          <td>{entry.containerId.slice(0, 12)}</td>
          <td>{clockTime(entry.from)}</td>
          <td>{clockTime(entry.to)}</td>
        </tr>
      ))}
    </Table>
  );
}
