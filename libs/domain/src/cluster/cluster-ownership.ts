/**
 * Which cluster a container belongs to, by its `cj.cluster` label (the id of the store whose
 * orchestrator created it). A container with cj's labels but no cluster label was made before
 * clusters were labelled, and stays the cluster's that finds it (as it always was).
 */
export function belongsToCluster(container: { readonly cluster?: string }, storeId: string): boolean {
  return container.cluster === undefined || container.cluster === storeId;
}

/**
 * The part of a store id that goes into container names (its first 8 hex digits), so that two
 * clusters running the same job and task on one host never want the same name.
 */
export function shortStoreId(storeId: string): string {
  return storeId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8);
}
