export {
  evolveReconcile,
  foldReconcile,
  initialReconcileState,
  type ReconcileState,
  type TaskLife,
} from './reconcile-state';
export { decideRestarts, type ReconcileLook, type TaskRestart } from './decide-restarts';
export { RESTART_BACKOFF, restartDelay } from './restart-backoff';
