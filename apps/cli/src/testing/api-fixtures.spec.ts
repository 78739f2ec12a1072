import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalidJobsFile, rollout, status, unknownJob, updateCandidates } from './api-fixtures';

interface Document {
  readonly components: object;
  readonly paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>
  >;
}

/** The orchestrator's OpenAPI document, as committed (npm run api:generate). */
const document = JSON.parse(
  readFileSync(join(__dirname, '../../../orchestrator/src/http/openapi/openapi.json'), 'utf8'),
) as Document;
const ajv = new Ajv({ nullable: true, unknownFormats: 'ignore', allErrors: true });

/** Each fixture, as the answer of one operation with one status. */
const fixtures: readonly [string, string, string, number, unknown][] = [
  ['status', 'get', '/v1/envs/{env}/status', 200, status],
  ['update candidates', 'get', '/v1/envs/{env}/jobs/{job}/update', 200, updateCandidates],
  ['a running rollout', 'get', '/v1/envs/{env}/rollouts/{id}', 200, rollout('running', ['updated', 'pending'])],
  [
    'a rolled-back rollout',
    'post',
    '/v1/envs/{env}/jobs/{job}/update',
    200,
    rollout('rolled-back', ['rolled-back', 'pending'], 'task 0 failed its health check'),
  ],
  ['an invalid jobs file', 'post', '/v1/envs/{env}/apply', 422, invalidJobsFile],
  ['an unknown job', 'get', '/v1/envs/{env}/jobs/{job}/history', 404, unknownJob],
];

describe("the CLI's API fixtures", () => {
  it.each(fixtures)('%s is an answer the OpenAPI document declares (%s %s, %d)', (_name, method, path, code, body) => {
    const content = document.paths[path]?.[method]?.responses[String(code)]?.content ?? {};
    const schema = content['application/json']?.schema ?? content['application/problem+json']?.schema;
    expect(schema).toBeDefined();
    const validate = ajv.compile({ ...schema, components: document.components });
    const valid = validate(JSON.parse(JSON.stringify(body)));
    expect(valid ? [] : validate.errors).toEqual([]);
  });
});
