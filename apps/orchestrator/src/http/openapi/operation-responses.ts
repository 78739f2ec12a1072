import type { OpenAPIObject } from '@nestjs/swagger';
import apiSchemas from './api-schemas.json';

type Schema = Record<string, unknown>;
type Components = NonNullable<OpenAPIObject['components']>;

const ref = (name: keyof typeof apiSchemas): Schema => ({ $ref: `#/components/schemas/${name}` });
const listOf = (items: Schema): Schema => ({ type: 'array', items });
const text: Schema = { type: 'string' };
const tokenView: Schema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    role: ref('TokenRole'),
    createdAt: { type: 'string' },
    createdBy: { type: 'string' },
  },
  required: ['name', 'role', 'createdAt', 'createdBy'],
};

/** A success answer: its status, its media type (JSON unless said) and its body's schema. */
interface Success {
  readonly status: number;
  readonly schema: Schema;
  readonly mediaType?: string;
}

/**
 * The problem statuses an operation answers (see problem.filter.ts and error-problems.ts): every
 * request may be refused (400 input, 401 token, 403 role) or meet an unavailable store (503); an
 * environment's operations may name an unknown one (404); changes may conflict (409), carry a
 * body too large or not JSON (413, 415), name what the registry lacks (422) or meet an
 * unreachable host (503).
 */
const ANY = [400, 401, 403, 503];
const READ = [...ANY, 404];
const CHANGE = [...READ, 409, 413, 415, 422];

/** Every operation of the API (by its operationId) and what it answers. */
const OPERATIONS: Record<
  string,
  {
    readonly success: Success;
    readonly problems: readonly number[];
    /** The body's schema from the API's types, where the DTO's own declaration says less (a map of hosts). */
    readonly request?: Schema;
  }
> = {
  SystemController_storeIdentity: { success: { status: 200, schema: ref('StoreIdentityView') }, problems: ANY },
  SystemController_healthz: {
    success: {
      status: 200,
      schema: {
        type: 'object',
        properties: {
          status: { type: 'string' },
          storeId: { type: 'string' },
          projectionPosition: { type: 'string' },
          reasons: listOf(text),
        },
        required: ['status', 'storeId', 'projectionPosition'],
      },
    },
    problems: [503],
  },
  EnvironmentsController_list: { success: { status: 200, schema: listOf(text) }, problems: ANY },
  ApplyController_apply: { success: { status: 200, schema: ref('ApplyResponse') }, problems: CHANGE },
  UpDownController_up: { success: { status: 200, schema: ref('UpDownResponse') }, problems: CHANGE },
  UpDownController_down: { success: { status: 200, schema: ref('UpDownResponse') }, problems: CHANGE },
  ConfirmHostsController_confirmHosts: {
    success: { status: 200, schema: ref('ConfirmHostsResult') },
    problems: CHANGE,
  },
  ReplicateController_replicate: {
    success: { status: 200, schema: ref('ReplicateResponse') },
    problems: CHANGE,
    request: ref('ReplicateRequest'),
  },
  EnvQueriesController_status: { success: { status: 200, schema: ref('StatusResponse') }, problems: READ },
  EnvQueriesController_compare: { success: { status: 200, schema: ref('CompareResponse') }, problems: READ },
  EnvQueriesController_diff: { success: { status: 200, schema: ref('DiffResponse') }, problems: CHANGE },
  EnvQueriesController_updateCandidates: {
    success: { status: 200, schema: ref('UpdateCandidatesResponse') },
    problems: [...READ, 422],
  },
  EnvQueriesController_history: { success: { status: 200, schema: ref('HistoryResponse') }, problems: READ },
  EnvQueriesController_hostViews: { success: { status: 200, schema: listOf(ref('HostView')) }, problems: READ },
  EnvQueriesController_auditLog: { success: { status: 200, schema: listOf(ref('AuditEntry')) }, problems: READ },
  EnvQueriesController_verify: { success: { status: 200, schema: ref('LogVerification') }, problems: READ },
  EnvQueriesController_why: { success: { status: 200, schema: ref('WhyResponse') }, problems: READ },
  EnvQueriesController_timelineAt: { success: { status: 200, schema: listOf(ref('TimelineEntry')) }, problems: READ },
  EnvQueriesController_logs: { success: { status: 200, schema: text, mediaType: 'text/plain' }, problems: READ },
  AdminController_rebuild: {
    success: { status: 200, schema: { type: 'object', properties: { position: text }, required: ['position'] } },
    problems: [...ANY, 409],
  },
  AdminController_verify: { success: { status: 200, schema: ref('ReadModelVerification') }, problems: ANY },
  AdminController_backup: {
    success: { status: 200, schema: { type: 'object', properties: { path: text }, required: ['path'] } },
    problems: [...ANY, 409, 413, 415],
  },
  RolloutsController_rollingUpdate: { success: { status: 200, schema: ref('RolloutView') }, problems: CHANGE },
  RolloutsController_update: { success: { status: 200, schema: ref('RolloutView') }, problems: CHANGE },
  RolloutsController_rollback: { success: { status: 200, schema: ref('RolloutView') }, problems: CHANGE },
  RolloutsController_list: { success: { status: 200, schema: listOf(ref('RolloutView')) }, problems: READ },
  RolloutsController_view: { success: { status: 200, schema: ref('RolloutView') }, problems: READ },
  RolloutsController_replay: { success: { status: 200, schema: ref('RolloutReplay') }, problems: READ },
  RolloutsController_pause: { success: { status: 200, schema: ref('RolloutView') }, problems: CHANGE },
  RolloutsController_resume: { success: { status: 200, schema: ref('RolloutView') }, problems: CHANGE },
  RolloutsController_abort: { success: { status: 200, schema: ref('RolloutView') }, problems: CHANGE },
  PortableLogController_export: {
    success: { status: 200, schema: text, mediaType: 'application/x-ndjson' },
    problems: READ,
  },
  PortableLogController_import: {
    success: { status: 200, schema: ref('ImportResponse') },
    problems: CHANGE,
    request: ref('ImportRequest'),
  },
  TokensController_create: {
    success: {
      status: 201,
      schema: { allOf: [tokenView, { type: 'object', properties: { token: text }, required: ['token'] }] },
    },
    problems: [...ANY, 409, 413, 415],
  },
  TokensController_list: { success: { status: 200, schema: listOf(tokenView) }, problems: ANY },
  TokensController_revoke: {
    success: {
      status: 200,
      schema: {
        type: 'object',
        properties: { name: text, revoked: { type: 'boolean', enum: [true] } },
        required: ['name', 'revoked'],
      },
    },
    problems: [...ANY, 404],
  },
  ConsoleController_whoami: { success: { status: 200, schema: ref('WhoAmIResponse') }, problems: ANY },
  ConsoleController_live: { success: { status: 200, schema: text, mediaType: 'text/event-stream' }, problems: READ },
};

const PROBLEM_TITLES: Record<number, string> = {
  400: 'The request is malformed or invalid',
  401: 'No valid bearer token',
  403: "The token's role may not do this",
  404: 'No such environment, job, rollout or token',
  409: 'Conflicts with the recorded state',
  413: 'The body is too large',
  415: 'The body is not JSON',
  422: 'The jobs file or the image it names is wrong',
  503: 'The store or a host does not answer',
};

/**
 * Adds the API's schemas (generated from its types) to `document` and, to every operation, its
 * success answer and its problem+json answers. An operation missing here keeps only what Nest
 * says of it, and fails the test that every operation declares its answers.
 */
export function describeResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...(apiSchemas as unknown as Components['schemas']) },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const described = OPERATIONS[operation.operationId ?? ''];
      if (!described) continue; // the e2e test of the document names it
      const { success, problems, request } = described;
      if (request) operation.requestBody = { required: true, content: { 'application/json': { schema: request } } };
      operation.responses = {
        [success.status]: {
          description: operation.summary ?? 'Success',
          content: { [success.mediaType ?? 'application/json']: { schema: success.schema } },
        },
        ...Object.fromEntries(
          problems.map((status) => [
            status,
            {
              description: PROBLEM_TITLES[status],
              content: { 'application/problem+json': { schema: ref('ApiProblem') } },
            },
          ]),
        ),
      } as typeof operation.responses;
    }
  }
  return document;
}
