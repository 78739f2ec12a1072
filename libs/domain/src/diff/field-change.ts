/** One field that differs between two job specs. `before`/`after` are absent when the field is. */
export interface FieldChange {
  /** e.g. `image.tag`, `envs.http_port`, `tasks[1].host`, `update.maxParallel`. */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}
