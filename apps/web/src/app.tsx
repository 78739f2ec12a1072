import { useEffect, useRef, useState } from 'preact/hooks';
import type {
  AuditEntry,
  ConsoleFeedChange,
  HostView,
  RolloutReplay,
  RolloutView,
  StatusResponse,
  TaskStatus,
  TimelineEntry,
  WhoAmIResponse,
} from '@cj/api';
import { ActionDialog, ApplyFields, RollbackFields, UpdateFields, type ActionBody } from './actions';
import { change, feed, follow, get, path, token, Unauthenticated } from './api';
import { clockTime } from './format';
import { AuditTable, HostsTable, RolloutsTable, RolloutTasks, TasksTable, TimelineTable } from './tables';

/** Characters of log kept on the page; older text is dropped as new lines arrive. */
const LOG_LIMIT = 200_000;
const RECONNECT_MS = 1000;

interface Views {
  readonly position?: string;
  readonly status?: StatusResponse;
  readonly hosts: readonly HostView[];
  readonly rollouts: readonly RolloutView[];
  readonly audit: readonly AuditEntry[];
}
const NO_VIEWS: Views = { hosts: [], rollouts: [], audit: [] };

type Action =
  | { kind: 'update'; job: string }
  | { kind: 'rollback'; job: string }
  | { kind: 'up' | 'down'; job: string }
  | { kind: 'pause' | 'resume' | 'abort'; rollout: RolloutView }
  | { kind: 'apply' };

function TokenForm(props: { reason: string; onToken: () => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      id="token-form"
      class="token"
      onSubmit={(event) => {
        event.preventDefault();
        if (value.trim() === '') return;
        token.set(value.trim());
        props.onToken();
      }}
    >
      <p id="token-reason">{props.reason}</p>
      <label>
        Bearer token (a viewer token reads; an operator token also acts)
        <input
          id="token"
          type="password"
          autoComplete="off"
          value={value}
          onInput={(event) => setValue(event.currentTarget.value)}
          autoFocus
        />
      </label>
      <button type="submit">Sign in</button>
      <span class="muted">kept in this tab only</span>
    </form>
  );
}

export function App() {
  const [signIn, setSignIn] = useState<string>();
  const [me, setMe] = useState<WhoAmIResponse>();
  const [envs, setEnvs] = useState<string[]>([]);
  const [env, setEnv] = useState(new URLSearchParams(location.search).get('env') ?? '');
  const [views, setViews] = useState<Views>(NO_VIEWS);
  const [live, setLive] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  const [problem, setProblem] = useState('');
  const [now, setNow] = useState(Date.now());
  const [selected, setSelected] = useState<string>();
  const [action, setAction] = useState<Action>();
  const [actionBody, setActionBody] = useState<ActionBody>({});
  const [logs, setLogs] = useState<{ title: string; state: string; text: string }>();
  const logsFollow = useRef<AbortController | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);
  const [shellTask, setShellTask] = useState<TaskStatus>();

  const unauthenticated = (error: unknown): boolean => {
    if (!(error instanceof Unauthenticated)) return false;
    token.clear();
    setMe(undefined);
    setSignIn(error.message);
    return true;
  };

  // Who we are and which environments there are: once per sign-in.
  useEffect(() => {
    Promise.all([get<WhoAmIResponse>('/v1/whoami'), get<string[]>('/v1/envs')]).then(
      ([who, known]) => {
        setSignIn(undefined);
        setMe(who);
        const all = env && !known.includes(env) ? [env, ...known] : known;
        setEnvs(all);
        if (!env && all.length > 0) setEnv(all[0]);
        if (all.length === 0) setProblem('No environment yet: apply a jobs file (cj apply jobs.yaml).');
      },
      (error: unknown) => {
        if (!unauthenticated(error)) setProblem(error instanceof Error ? error.message : String(error));
      },
    );
  }, [attempt]);

  // The live feed of the chosen environment: reconnects after a second when it drops.
  useEffect(() => {
    if (!me || !env) return;
    const url = new URL(location.href);
    url.searchParams.set('env', env);
    history.replaceState(null, '', url);
    const stop = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    setViews(NO_VIEWS);
    const connect = () => {
      setLive('connecting');
      feed(
        env,
        (next: ConsoleFeedChange) => {
          setLive('live');
          setProblem('');
          setViews((current) => ({
            position: next.position,
            status: next.status ?? current.status,
            hosts: next.hosts ?? current.hosts,
            rollouts: next.rollouts ?? current.rollouts,
            audit: next.audit ?? current.audit,
          }));
        },
        stop.signal,
      ).then(
        () => {
          if (!stop.signal.aborted) {
            setLive('reconnecting');
            retry = setTimeout(connect, RECONNECT_MS);
          }
        },
        (error: unknown) => {
          if (stop.signal.aborted || unauthenticated(error)) return;
          setLive('reconnecting');
          setProblem(error instanceof Error ? error.message : String(error));
          retry = setTimeout(connect, RECONNECT_MS);
        },
      );
    };
    connect();
    return () => {
      stop.abort();
      clearTimeout(retry);
    };
  }, [me, env]);

  // "5s ago" columns move on without new data.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);

  const followLogs = (task: TaskStatus) => {
    logsFollow.current?.abort();
    const following = new AbortController();
    logsFollow.current = following;
    const title = `${task.job} task ${task.task} on ${task.host}`;
    setLogs({ title, state: 'waiting for output', text: '' });
    follow(
      path('/v1/envs/{env}/jobs/{job}/logs?task={task}&tail=200&follow=true', { env, job: task.job, task: task.task }),
      (text) =>
        setLogs(
          (current) => current && { ...current, state: 'following', text: (current.text + text).slice(-LOG_LIMIT) },
        ),
      following.signal,
    ).then(
      () => setLogs((current) => current && { ...current, state: 'ended: the container stopped or was replaced' }),
      (error: unknown) => {
        if (following.signal.aborted || unauthenticated(error)) return;
        setLogs((current) => current && { ...current, state: error instanceof Error ? error.message : String(error) });
      },
    );
  };
  const stopLogs = () => {
    logsFollow.current?.abort();
    setLogs((current) => current && { ...current, state: 'stopped' });
  };

  const operator = me?.role === 'operator';
  const actor = me ? `${me.name}@web-console` : 'unknown@web-console';
  const jobs = [...new Set(views.status?.tasks.map((task) => task.job) ?? [])];
  const chosen = views.rollouts.find((rollout) => rollout.id === selected) ?? views.rollouts[0];
  const start = (next: Action, body: ActionBody = {}) => {
    setActionBody(body);
    setAction(next);
  };

  return (
    <>
      <a class="skip" href="#main">
        Skip to the tasks
      </a>
      <header>
        <h1>cj</h1>
        <label>
          environment{' '}
          <select id="env" value={env} onChange={(event) => setEnv(event.currentTarget.value)}>
            {envs.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <span id="live" class={`live ${live}`} role="status">
          {live}
        </span>
        {me && (
          <span id="who" class="muted">
            {me.name} ({me.role})
          </span>
        )}
        {me && token.get() && (
          <button
            type="button"
            onClick={() => {
              token.clear();
              setMe(undefined);
              setSignIn('Signed out.');
            }}
          >
            sign out
          </button>
        )}
      </header>
      {problem && (
        <p id="problem" class="problem" role="alert">
          {problem}
        </p>
      )}
      {signIn !== undefined && <TokenForm reason={signIn} onToken={() => setAttempt((n) => n + 1)} />}
      <main id="main">
        <section aria-labelledby="tasks-title">
          <h2 id="tasks-title">
            Tasks <span class="muted">desired and observed, live</span>
          </h2>
          {operator && (
            <div class="toolbar" role="group" aria-label="job actions">
              {jobs.map((job) => (
                <span class="job-actions" key={job}>
                  <strong>{job}</strong>
                  <button type="button" onClick={() => start({ kind: 'update', job }, undefined)}>
                    update…
                  </button>
                  <button type="button" onClick={() => start({ kind: 'rollback', job })}>
                    rollback…
                  </button>
                  <button type="button" onClick={() => start({ kind: 'up', job })}>
                    up…
                  </button>
                  <button type="button" onClick={() => start({ kind: 'down', job })}>
                    down…
                  </button>
                </span>
              ))}
              <button type="button" onClick={() => start({ kind: 'apply' }, undefined)}>
                apply a jobs file…
              </button>
            </div>
          )}
          <TasksTable status={views.status} now={now} onLogs={followLogs} shell={operator ? setShellTask : undefined} />
        </section>
        {shellTask && (
          <LazyShellPanel
            key={`${shellTask.job}/${shellTask.task}`}
            env={env}
            task={shellTask}
            onClose={() => setShellTask(undefined)}
          />
        )}
        <section aria-labelledby="rollouts-title">
          <h2 id="rollouts-title">
            Rollouts <span class="muted">newest first</span>
          </h2>
          <RolloutsTable
            rollouts={views.rollouts}
            selected={chosen?.id}
            onSelect={setSelected}
            controls={operator ? (rollout) => <RolloutControls rollout={rollout} onAction={start} /> : undefined}
          />
          <div class="rollout-detail">
            {chosen ? (
              <>
                <h3 id="rollout-steps-title">
                  Rollout {chosen.id.slice(0, 8)}: {chosen.job}{' '}
                  <span class={chosen.phase} id="rollout-phase">
                    {chosen.phase}
                  </span>
                </h3>
                <RolloutTasks rollout={chosen} />
                <AuditTable
                  id="rollout-events"
                  caption={`Events of rollout ${chosen.id}`}
                  entries={views.audit.filter((entry) => entry.stream.includes(chosen.id)).slice(-12)}
                />
                <RolloutReplayPanel
                  key={chosen.id}
                  env={env}
                  rollout={chosen}
                  onProblem={(error) => unauthenticated(error)}
                />
              </>
            ) : (
              <p class="muted">A rollout's tasks and events show here, live, once there is one.</p>
            )}
          </div>
        </section>
        <section aria-labelledby="hosts-title">
          <h2 id="hosts-title">Hosts</h2>
          <HostsTable hosts={views.hosts} now={now} />
        </section>
        {me && env && <TimeTravel env={env} onProblem={(error) => unauthenticated(error)} />}
        <section aria-labelledby="logs-title">
          <h2 id="logs-title">
            Logs{' '}
            <span id="log-title" class="muted">
              {logs ? logs.title : "pick a task's logs above"}
            </span>{' '}
            <span id="log-state" class="muted" aria-live="polite">
              {logs?.state ?? ''}
            </span>{' '}
            {logs && logs.state !== 'stopped' && !logs.state.startsWith('ended') && (
              <button id="log-stop" type="button" onClick={stopLogs}>
                stop following
              </button>
            )}
          </h2>
          <pre id="log-text" role="log" tabIndex={0} aria-label="log text">
            {logs?.text ?? ''}
          </pre>
        </section>
        <section aria-labelledby="audit-title">
          <h2 id="audit-title">
            Audit log <span class="muted">latest 50, newest first</span>
          </h2>
          <AuditTable id="audit" caption="Audit log, newest first" entries={[...views.audit].reverse()} />
        </section>
      </main>
      {action && (
        <ActionDialog
          title={titleOf(action)}
          submitLabel={action.kind === 'apply' ? 'Apply' : action.kind}
          body={actionBody}
          onClose={() => setAction(undefined)}
          onSubmit={async (reason, body) => {
            await change(actionPath(env, action), actor, reason, body);
          }}
        >
          {action.kind === 'update' && (
            <UpdateFields
              env={env}
              job={action.job}
              onChoose={(tag) => setActionBody(tag === undefined ? undefined : { tag })}
            />
          )}
          {action.kind === 'rollback' && (
            <RollbackFields
              env={env}
              job={action.job}
              onChoose={(to) => setActionBody(to === undefined ? {} : { toRevision: to })}
            />
          )}
          {action.kind === 'apply' && <ApplyFields env={env} onReady={(jobs) => setActionBody(jobs && { jobs })} />}
        </ActionDialog>
      )}
    </>
  );
}

function RolloutControls(props: { rollout: RolloutView; onAction: (action: Action) => void }) {
  const { rollout } = props;
  const label = (verb: string) => `${verb} rollout ${rollout.id.slice(0, 8)}`;
  return (
    <>
      {rollout.phase === 'running' && (
        <button type="button" aria-label={label('pause')} onClick={() => props.onAction({ kind: 'pause', rollout })}>
          pause…
        </button>
      )}
      {rollout.phase === 'paused' && (
        <button type="button" aria-label={label('resume')} onClick={() => props.onAction({ kind: 'resume', rollout })}>
          resume…
        </button>
      )}
      {(rollout.phase === 'running' || rollout.phase === 'paused' || rollout.phase === 'rolling-back') && (
        <button type="button" aria-label={label('abort')} onClick={() => props.onAction({ kind: 'abort', rollout })}>
          abort…
        </button>
      )}
    </>
  );
}

function titleOf(action: Action): string {
  switch (action.kind) {
    case 'update':
      return `Rolling update of ${action.job}`;
    case 'rollback':
      return `Roll ${action.job} back`;
    case 'up':
    case 'down':
      return `${action.kind} ${action.job}`;
    case 'pause':
    case 'resume':
    case 'abort':
      return `${action.kind} rollout ${action.rollout.id.slice(0, 8)} of ${action.rollout.job}`;
    case 'apply':
      return 'Apply a jobs file';
  }
}

function actionPath(env: string, action: Action): string {
  switch (action.kind) {
    case 'update':
      return path('/v1/envs/{env}/jobs/{job}/rolling-update', { env, job: action.job });
    case 'rollback':
    case 'up':
    case 'down':
      return path(`/v1/envs/{env}/jobs/{job}/${action.kind}`, { env, job: action.job });
    case 'pause':
    case 'resume':
    case 'abort':
      return path(`/v1/envs/{env}/rollouts/{id}/${action.kind}`, { env, id: action.rollout.id });
    case 'apply':
      return path('/v1/envs/{env}/apply', { env });
  }
}

/**
 * A slider over the environment's history (the audit log's span): what ran where at that moment
 * (the timeline read model), with the events just before it.
 */
/** The terminal (xterm.js, most of the page's script) is fetched when a shell is first opened, not with the page. */
function LazyShellPanel(props: { env: string; task: TaskStatus; onClose: () => void }) {
  const [terminal, setTerminal] = useState<typeof import('./terminal')>();
  const [failed, setFailed] = useState<string>();
  useEffect(() => {
    import('./terminal').then(setTerminal, (error: unknown) =>
      setFailed(error instanceof Error ? error.message : String(error)),
    );
  }, []);
  if (terminal) return <terminal.ShellPanel {...props} />;
  return (
    <section aria-labelledby="shell-loading">
      <h2 id="shell-loading">Shell</h2>
      <p class={failed ? 'problem' : 'muted'} role="status">
        {failed ? `The terminal could not be loaded: ${failed}` : 'loading the terminal…'}
      </p>
    </section>
  );
}

/** A rollout replayed from its stream, one recorded event at a time, the tasks as they stood after it. */
function RolloutReplayPanel(props: { env: string; rollout: RolloutView; onProblem: (error: unknown) => void }) {
  const [replay, setReplay] = useState<RolloutReplay>();
  const [step, setStep] = useState(0);
  const load = () => {
    get<RolloutReplay>(path('/v1/envs/{env}/rollouts/{id}/replay', { env: props.env, id: props.rollout.id })).then(
      (loaded) => {
        setReplay(loaded);
        setStep(0);
      },
      props.onProblem,
    );
  };
  if (!replay) {
    return (
      <button id="replay-open" type="button" onClick={load}>
        replay rollout {props.rollout.id.slice(0, 8)} step by step
      </button>
    );
  }
  const last = replay.steps.length - 1;
  const current = replay.steps[Math.min(step, last)];
  return (
    <div id="replay" role="group" aria-labelledby="replay-title">
      <h4 id="replay-title">Replay of rollout {replay.id.slice(0, 8)}, from its log</h4>
      <label class="slider">
        step{' '}
        <output id="replay-step" for="replay-slider">
          {current.step + 1} of {last + 1}
        </output>
        <input
          id="replay-slider"
          type="range"
          min={0}
          max={last}
          step={1}
          value={step}
          onInput={(event) => setStep(Number(event.currentTarget.value))}
        />
      </label>
      <button type="button" id="replay-prev" disabled={step === 0} onClick={() => setStep((s) => Math.max(0, s - 1))}>
        previous
      </button>
      <button
        type="button"
        id="replay-next"
        disabled={step === last}
        onClick={() => setStep((s) => Math.min(last, s + 1))}
      >
        next
      </button>
      <p id="replay-event" aria-live="polite">
        <span class="muted">{clockTime(current.at)}</span> <strong>{current.type}</strong> {current.summary}{' '}
        <span class={current.view.phase} id="replay-phase">
          {current.view.phase}
        </span>
      </p>
      <RolloutTasks
        id="replay-tasks"
        caption={`Tasks of rollout ${replay.id} after step ${current.step + 1}`}
        rollout={current.view}
      />
    </div>
  );
}

function TimeTravel(props: { env: string; onProblem: (error: unknown) => void }) {
  const [span, setSpan] = useState<{ from: number; to: number }>();
  const [at, setAt] = useState<number>();
  const [entries, setEntries] = useState<readonly TimelineEntry[]>([]);
  const [around, setAround] = useState<readonly AuditEntry[]>([]);
  const load = () => {
    get<AuditEntry[]>(path('/v1/envs/{env}/audit?limit=1000', { env: props.env })).then((all) => {
      if (all.length === 0) return;
      const from = Date.parse(all[0].at);
      const to = Date.now();
      setSpan({ from, to });
      setAt((current) => current ?? to);
    }, props.onProblem);
  };
  useEffect(load, [props.env]);
  useEffect(() => {
    if (at === undefined) return;
    const iso = new Date(at).toISOString();
    Promise.all([
      get<TimelineEntry[]>(path('/v1/envs/{env}/timeline?at={at}', { env: props.env, at: iso })),
      get<AuditEntry[]>(path('/v1/envs/{env}/audit?until={at}&limit=10', { env: props.env, at: iso })),
    ]).then(([timeline, audit]) => {
      setEntries(timeline);
      setAround(audit);
    }, props.onProblem);
  }, [props.env, at]);
  return (
    <section aria-labelledby="time-title" class="time-travel">
      <h2 id="time-title">
        Time travel <span class="muted">what ran where, and when</span>
      </h2>
      {span && at !== undefined ? (
        <>
          <label class="slider">
            moment{' '}
            <output id="time-at" for="time-slider">
              {clockTime(new Date(at).toISOString())}
            </output>
            <input
              id="time-slider"
              type="range"
              min={span.from}
              max={span.to}
              step={1000}
              value={at}
              onInput={(event) => setAt(Number(event.currentTarget.value))}
            />
          </label>
          <button
            type="button"
            onClick={() => {
              setAt(undefined);
              load();
            }}
          >
            now
          </button>
          <TimelineTable entries={entries} />
          <AuditTable id="time-events" caption="The events up to that moment" entries={[...around].reverse()} />
        </>
      ) : (
        <p class="muted">Nothing recorded yet.</p>
      )}
    </section>
  );
}
