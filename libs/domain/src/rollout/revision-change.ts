/** A job of an environment moving from the revision its tasks run to another: what a rollout carries out. */
export interface RevisionChange {
  readonly env: string;
  readonly job: string;
  /** Revision the tasks run now; absent when the job has never run (every task is created). */
  readonly fromRevision?: number;
  readonly toRevision: number;
}
