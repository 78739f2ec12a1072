export { CJ_BIN, runCj, type CjResult, type RunCjOptions } from './cli';
export * as fixtures from './api-fixtures';
export { RecordedApi, type RecordedRequest, type RecordedResponse } from './recorded-api';
