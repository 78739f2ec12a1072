export const OPTIONS = Symbol('OrchestratorOptions');
