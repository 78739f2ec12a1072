/**
 * Compiled with the CLI's tests (tsconfig.spec.json): for each endpoint the CLI calls, the answer
 * the OpenAPI document declares is assignable to the type the CLI reads it as, and the request
 * the CLI sends is assignable to the body the document declares. A drift fails type-checking.
 */
import type {
  ApplyRequest,
  ApplyResponse,
  AuditEntry,
  ChangeRequest,
  CompareResponse,
  ConfirmHostsResult,
  DiffRequest,
  DiffResponse,
  HistoryResponse,
  HostView,
  ImportRequest,
  ImportResponse,
  LogVerification,
  ReadModelVerification,
  ReplicateRequest,
  ReplicateResponse,
  RollbackRequest,
  RollingUpdateRequest,
  RolloutView,
  StatusResponse,
  TimelineEntry,
  UpdateCandidatesResponse,
  UpDownResponse,
  WhyResponse,
} from '@cj/api';
import type { paths } from '../api-paths.generated';

type Operation<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];
/** The JSON body of the operation's answer with `status`. */
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  Operation<P, M> extends { responses: { [K in S]: { content: { 'application/json': infer T } } } } ? T : never;
/** The JSON body the operation takes. */
type Body<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;
/** `T` as JSON carries it: readonly-ness is the CLI's own. */
type Sent<T> = T extends readonly (infer U)[]
  ? Sent<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Sent<T[K]> }
    : T;
/** Compiles only when `From` is assignable to `To` (and neither is `never`). */
type Fits<From, To> = [From] extends [never] ? false : [From] extends [To] ? true : false;

export const answersFit: readonly true[] = [
  true satisfies Fits<Answer<'/v1/envs/{env}/status', 'get'>, StatusResponse>,
  true satisfies Fits<Answer<'/v1/envs/{env}/apply', 'post'>, ApplyResponse>,
  true satisfies Fits<Answer<'/v1/envs/{env}/diff', 'post'>, DiffResponse>,
  true satisfies Fits<Answer<'/v1/envs/{env}/jobs/{job}/up', 'post'>, UpDownResponse>,
  true satisfies Fits<Answer<'/v1/envs/{env}/jobs/{job}/down', 'post'>, UpDownResponse>,
  true satisfies Fits<Answer<'/v1/envs/{env}/jobs/{job}/history', 'get'>, HistoryResponse>,
  true satisfies Fits<Answer<'/v1/envs/{env}/jobs/{job}/update', 'get'>, UpdateCandidatesResponse>,
  true satisfies Fits<Answer<'/v1/envs/{env}/jobs/{job}/update', 'post'>, RolloutView>,
  true satisfies Fits<Answer<'/v1/envs/{env}/jobs/{job}/rolling-update', 'post'>, RolloutView>,
  true satisfies Fits<Answer<'/v1/envs/{env}/jobs/{job}/rollback', 'post'>, RolloutView>,
  true satisfies Fits<Answer<'/v1/envs/{env}/jobs/{job}/why', 'get'>, WhyResponse>,
  true satisfies Fits<Answer<'/v1/envs/{env}/rollouts', 'get'>, RolloutView[]>,
  true satisfies Fits<Answer<'/v1/envs/{env}/rollouts/{id}', 'get'>, RolloutView>,
  true satisfies Fits<Answer<'/v1/envs/{env}/rollouts/{id}/pause', 'post'>, RolloutView>,
  true satisfies Fits<Answer<'/v1/envs/{env}/hosts', 'get'>, HostView[]>,
  true satisfies Fits<Answer<'/v1/envs/{env}/hosts/confirm', 'post'>, ConfirmHostsResult>,
  true satisfies Fits<Answer<'/v1/envs/{env}/audit', 'get'>, AuditEntry[]>,
  true satisfies Fits<Answer<'/v1/envs/{env}/audit/verify', 'get'>, LogVerification>,
  true satisfies Fits<Answer<'/v1/envs/{env}/timeline', 'get'>, TimelineEntry[]>,
  true satisfies Fits<Answer<'/v1/envs/{env}/compare', 'get'>, CompareResponse>,
  true satisfies Fits<Answer<'/v1/envs/{env}/replicate', 'post'>, ReplicateResponse>,
  true satisfies Fits<Answer<'/v1/envs/{env}/import', 'post'>, ImportResponse>,
  true satisfies Fits<Answer<'/v1/admin/verify', 'post'>, ReadModelVerification>,
  true satisfies Fits<Answer<'/v1/admin/backup', 'post'>, { path: string }>,
];

export const requestsFit: readonly true[] = [
  true satisfies Fits<Sent<ApplyRequest>, Body<'/v1/envs/{env}/apply', 'post'>>,
  true satisfies Fits<Sent<DiffRequest>, Body<'/v1/envs/{env}/diff', 'post'>>,
  true satisfies Fits<Sent<ChangeRequest>, Body<'/v1/envs/{env}/jobs/{job}/up', 'post'>>,
  true satisfies Fits<Sent<ChangeRequest>, Body<'/v1/envs/{env}/jobs/{job}/down', 'post'>>,
  true satisfies Fits<Sent<ChangeRequest>, Body<'/v1/envs/{env}/rollouts/{id}/pause', 'post'>>,
  true satisfies Fits<Sent<RollingUpdateRequest>, Body<'/v1/envs/{env}/jobs/{job}/rolling-update', 'post'>>,
  true satisfies Fits<Sent<RollingUpdateRequest & { tag: string }>, Body<'/v1/envs/{env}/jobs/{job}/update', 'post'>>,
  true satisfies Fits<Sent<RollbackRequest>, Body<'/v1/envs/{env}/jobs/{job}/rollback', 'post'>>,
  true satisfies Fits<Sent<ReplicateRequest>, Body<'/v1/envs/{env}/replicate', 'post'>>,
  true satisfies Fits<Sent<ImportRequest>, Body<'/v1/envs/{env}/import', 'post'>>,
];
