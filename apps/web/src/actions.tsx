import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DiffResponse, HistoryResponse, UpdateCandidatesResponse } from '@cj/api';
import { get, path, query } from './api';
import { clockTime, imageName, revision } from './format';

/** What an action sends besides the actor, reason and command id; undefined while not chosen yet. */
export type ActionBody = Record<string, unknown> | undefined;

/**
 * A modal form for one command: its own fields, a reason (required: it goes into the audit), and
 * the command's answer or problem. Escape or Cancel closes it; focus returns where it was.
 */
export function ActionDialog(props: {
  title: string;
  submitLabel: string;
  body: ActionBody;
  children?: ComponentChildren;
  onSubmit: (reason: string, body: Record<string, unknown>) => Promise<void>;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (props.body === undefined || reason.trim() === '') return;
    setBusy(true);
    setProblem('');
    try {
      await props.onSubmit(reason, props.body);
      props.onClose();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} aria-labelledby="action-title" onClose={props.onClose} class="action">
      <form onSubmit={submit}>
        <h2 id="action-title">{props.title}</h2>
        {props.children}
        <label>
          Reason (recorded in the audit)
          <input
            id="action-reason"
            required
            value={reason}
            onInput={(event) => setReason(event.currentTarget.value)}
            autoComplete="off"
          />
        </label>
        {problem && (
          <p class="problem" role="alert">
            {problem}
          </p>
        )}
        <div class="buttons">
          <button type="submit" disabled={busy || props.body === undefined || reason.trim() === ''}>
            {props.submitLabel}
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** The talk's `update` screen: the job's running containers and the registry's tags, newest first. */
export function UpdateFields(props: { env: string; job: string; onChoose: (tag: string | undefined) => void }) {
  const [candidates, setCandidates] = useState<UpdateCandidatesResponse>();
  const [problem, setProblem] = useState('');
  useEffect(() => {
    get<UpdateCandidatesResponse>(path('/v1/envs/{env}/jobs/{job}/update', { env: props.env, job: props.job })).then(
      (answer) => {
        setCandidates(answer);
        props.onChoose(answer.tags[0]?.version);
      },
      (error: Error) => setProblem(error.message),
    );
  }, [props.env, props.job]);
  if (problem)
    return (
      <p class="problem" role="alert">
        {problem}
      </p>
    );
  if (!candidates) return <p class="muted">asking the registry…</p>;
  return (
    <>
      <h3>Running</h3>
      <ul class="plain">
        {candidates.running.map((container) => (
          <li key={container.containerId}>
            task {container.task} on {container.host}: {container.version}{' '}
            {container.created ? `(built ${clockTime(container.created)})` : ''}
          </li>
        ))}
      </ul>
      <label>
        Tag (newest first)
        <select id="update-tag" onChange={(event) => props.onChoose(event.currentTarget.value)}>
          {candidates.tags.map((tag) => (
            <option key={tag.version} value={tag.version}>
              {tag.version}
              {tag.created ? ` (${clockTime(tag.created)})` : ''}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

/** Rollback's target: the previous good revision, or one the operator picks from the history. */
export function RollbackFields(props: { env: string; job: string; onChoose: (revision: number | undefined) => void }) {
  const [history, setHistory] = useState<HistoryResponse>();
  useEffect(() => {
    get<HistoryResponse>(path('/v1/envs/{env}/jobs/{job}/history', { env: props.env, job: props.job })).then(
      setHistory,
      () => setHistory(undefined),
    );
  }, [props.env, props.job]);
  return (
    <label>
      Revision
      <select
        id="rollback-revision"
        onChange={(event) =>
          props.onChoose(event.currentTarget.value === '' ? undefined : Number(event.currentTarget.value))
        }
      >
        <option value="">the previous good one</option>
        {(history?.revisions ?? [])
          .filter((entry) => entry.revision !== history?.current)
          .map((entry) => (
            <option key={entry.revision} value={entry.revision}>
              {revision(entry.revision)} {imageName(entry.image)}
            </option>
          ))}
      </select>
    </label>
  );
}

/** A jobs file pasted or dropped: its diff against what is recorded and running, shown before applying. */
export function ApplyFields(props: {
  env: string;
  onReady: (jobs: { file: string; text: string } | undefined) => void;
}) {
  const [text, setText] = useState('');
  const [file, setFile] = useState('jobs.yaml');
  const [diff, setDiff] = useState<DiffResponse>();
  const [problem, setProblem] = useState('');
  const edit = (next: string, name = file) => {
    setText(next);
    setFile(name);
    setDiff(undefined);
    props.onReady(undefined);
  };
  const show = async () => {
    setProblem('');
    try {
      const jobs = { file, text };
      setDiff(await query<DiffResponse>(path('/v1/envs/{env}/diff', { env: props.env }), { jobs }));
      props.onReady(jobs);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  const drop = async (event: DragEvent) => {
    event.preventDefault();
    const dropped = event.dataTransfer?.files[0];
    if (dropped) edit(await dropped.text(), dropped.name);
  };
  return (
    <>
      <label>
        Jobs file (paste it, or drop the file here)
        <textarea
          id="apply-text"
          rows={12}
          value={text}
          onInput={(event) => edit(event.currentTarget.value)}
          onDragOver={(event) => event.preventDefault()}
          onDrop={drop}
          spellcheck={false}
        />
      </label>
      <button type="button" onClick={show} disabled={text.trim() === ''}>
        Show the diff
      </button>
      {problem && (
        <pre class="problem" role="alert">
          {problem}
        </pre>
      )}
      {diff && (
        <div id="apply-diff" aria-live="polite">
          {!diff.changed && <p>No change: the file matches what is recorded and running.</p>}
          {diff.jobs.map((job) => (
            <div key={`${job.job}/${job.task ?? ''}`}>
              <h3>
                {job.job}
                {job.task !== undefined ? ` task ${job.task} on ${job.host ?? '?'}` : ''}
              </h3>
              <ul class="plain">
                {job.fields.map((field) => (
                  <li key={field.path}>
                    <code>{field.path}</code>: recorded {JSON.stringify(field.recorded)}, running{' '}
                    {JSON.stringify(field.running)}, file {JSON.stringify(field.file)}
                    {field.kind && ` (${field.kind === 'policy' ? 'policy only' : 'replaces containers'})`}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </>
  );
}
