import type { RolloutStart, TaskRestartCause, TaskRevisions } from './events';
import type { CommandMetadata } from '../command-metadata';
import type { JobSpec } from '@cj/api';

interface CommandOf<Type extends string, Data> {
  readonly type: Type;
  readonly data: Readonly<Data>;
  readonly metadata: CommandMetadata;
}

interface ContainerRef {
  job: string;
  task: number;
  host: string;
  containerId: string;
}

/** Apply a job's spec (image digest resolved): a new revision if it differs, nothing if it does not. */
export type RegisterOrUpdateJob = CommandOf<'RegisterOrUpdateJob', { spec: JobSpec }>;
export type RemoveJob = CommandOf<'RemoveJob', { job: string }>;
export type RecordContainerStarted = CommandOf<
  'RecordContainerStarted',
  ContainerRef & { revision: number; rolloutId?: string }
>;
export type RecordContainerStopped = CommandOf<'RecordContainerStopped', ContainerRef>;
export type RecordContainerExited = CommandOf<
  'RecordContainerExited',
  ContainerRef & { exitCode: number; oomKilled: boolean; exitedAt?: string; logTail?: readonly string[] }
>;
/** The engine restarted the container by its restart policy; `count` is its restart count now. */
export type RecordContainerRestarted = CommandOf<
  'RecordContainerRestarted',
  ContainerRef & { count: number; startedAt?: string }
>;
export type RecordContainerRemoved = CommandOf<'RecordContainerRemoved', ContainerRef>;
/** `cj down` was asked: the job's tasks are meant to be stopped until a container of it starts again. */
export type RecordJobStopped = CommandOf<'RecordJobStopped', { job: string }>;
/** Reconcile started a task again (see TaskRestarted); refused while a rollout of the job is active. */
export type RecordTaskRestarted = CommandOf<
  'RecordTaskRestarted',
  ContainerRef & { revision: number; cause: TaskRestartCause; reason: string; attempt: number }
>;
/** The engine refused reconcile's restart of a task. */
export type RecordTaskRestartFailed = CommandOf<
  'RecordTaskRestartFailed',
  {
    job: string;
    task: number;
    host: string;
    revision: number;
    cause: TaskRestartCause;
    reason: string;
    attempt: number;
    error: string;
  }
>;
/** The verdict of one health check of a task's container (retries already counted by the checker). */
export type RecordHealthCheck = CommandOf<
  'RecordHealthCheck',
  ContainerRef & { passed: boolean; detail?: string; rolloutId?: string }
>;

/** Mark the start of a rollout on the job stream: refused while another rollout of the job is active. */
export type BeginRollout = CommandOf<'BeginRollout', RolloutStart>;
/** Mark the end of a rollout; `revision` is the one every task runs now, if one. */
export type EndRollout = CommandOf<
  'EndRollout',
  { job: string; rolloutId: string; status: string; revision?: number; taskRevisions?: TaskRevisions }
>;
export type JobCommand =
  | RegisterOrUpdateJob
  | RemoveJob
  | RecordContainerStarted
  | RecordContainerStopped
  | RecordContainerExited
  | RecordContainerRestarted
  | RecordContainerRemoved
  | RecordJobStopped
  | RecordTaskRestarted
  | RecordTaskRestartFailed
  | RecordHealthCheck
  | BeginRollout
  | EndRollout;
