import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

/** Where the API's request, response and problem types are declared: the one source of the schemas. */
export const API_TYPES_SOURCE = 'libs/api/src/wire.ts';
/** The generated schemas, committed; the orchestrator's OpenAPI document lists them as its components. */
export const API_SCHEMAS_FILE = 'apps/orchestrator/src/http/openapi/api-schemas.json';

type Schema = { [key: string]: unknown };

/** The workspace root (from the sources or from their build under dist/). */
export function workspaceRoot(from = __dirname): string {
  return existsSync(join(from, 'nx.json')) ? from : workspaceRoot(dirname(from));
}

/**
 * Every exported type of the API as an OpenAPI 3.0 schema object, by name: references point at
 * `#/components/schemas/`, and `const` (which OpenAPI 3.0 lacks) becomes a one-value `enum`.
 */
export function generateApiSchemas(root = workspaceRoot()): Record<string, Schema> {
  const generated = createGenerator({
    path: join(root, API_TYPES_SOURCE),
    tsconfig: join(root, 'tsconfig.base.json'),
    type: '*',
    expose: 'export',
    topRef: true,
    skipTypeCheck: true,
    additionalProperties: true,
    functions: 'hide',
  }).createSchema('*');
  const definitions = (generated.definitions ?? {}) as Record<string, Schema>;
  // With `type: '*'` the generator also names the whole module `*`; only the named types are the API's.
  const sorted = Object.keys(definitions)
    .filter((name) => name !== '*')
    .sort();
  return Object.fromEntries(sorted.map((name) => [name, toOpenApi(definitions[name]) as Schema]));
}

function toOpenApi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toOpenApi);
  if (value === null || typeof value !== 'object') return value;
  const result: Schema = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === '$ref' && typeof inner === 'string') {
      result.$ref = inner.replace('#/definitions/', '#/components/schemas/');
    } else if (key === 'const') {
      result.enum = [inner];
    } else {
      result[key] = key === 'properties' ? mapValues(inner as Schema) : toOpenApi(inner);
    }
  }
  return result;
}

function mapValues(properties: Schema): Schema {
  return Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, toOpenApi(schema)]));
}

/** The committed file's text for `schemas`. */
export function apiSchemasText(schemas: Record<string, Schema>): string {
  return `${JSON.stringify(schemas, null, 2)}\n`;
}

export function writeApiSchemas(root = workspaceRoot()): string {
  const file = join(root, API_SCHEMAS_FILE);
  writeFileSync(file, apiSchemasText(generateApiSchemas(root)));
  return file;
}

export function committedApiSchemasText(root = workspaceRoot()): string {
  return readFileSync(join(root, API_SCHEMAS_FILE), 'utf8');
}
