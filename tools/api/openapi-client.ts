import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { type OpenAPI3 } from 'openapi-typescript';
import { workspaceRoot } from './api-schemas';

/** The orchestrator's OpenAPI document as it serves it, committed for the CLI's tests and its client types. */
export const OPENAPI_DOCUMENT_FILE = 'apps/orchestrator/src/http/openapi/openapi.json';
/** The `paths` types generated from the document. */
export const API_PATHS_FILE = 'apps/cli/src/api-paths.generated.ts';

/** The committed document's text for `document`. */
export function openApiDocumentText(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The `paths`, `components` and `operations` types of `document`, as committed. */
export function apiPathsText(document: object): Promise<string> {
  return openapiTS(document as OpenAPI3);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts the built orchestrator on a scratch store and reads its /openapi.json. */
export async function servedOpenApiDocument(root = workspaceRoot()): Promise<object> {
  const dir = mkdtempSync(join(tmpdir(), 'cj-openapi-'));
  const port = await freePort();
  const bin = join(root, 'apps/orchestrator/bin/cj-orchestrator.js');
  const child = spawn(process.execPath, [bin, '--store', join(dir, 'cj.db'), '--listen', `127.0.0.1:${port}`], {
    stdio: 'ignore',
  });
  try {
    for (let attempt = 0; attempt < 300; attempt++) {
      try {
        const answer = await fetch(`http://127.0.0.1:${port}/openapi.json`);
        if (answer.ok) return (await answer.json()) as object;
      } catch {
        // not listening yet
      }
      await new Promise((wait) => setTimeout(wait, 100));
    }
    throw new Error('the orchestrator did not serve /openapi.json within 30 s');
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function writeOpenApiClient(root = workspaceRoot()): Promise<string[]> {
  const document = await servedOpenApiDocument(root);
  writeFileSync(join(root, OPENAPI_DOCUMENT_FILE), openApiDocumentText(document));
  writeFileSync(join(root, API_PATHS_FILE), await apiPathsText(document));
  return [OPENAPI_DOCUMENT_FILE, API_PATHS_FILE];
}

export function committedOpenApiDocument(root = workspaceRoot()): { paths: object; components: object } {
  return JSON.parse(readFileSync(join(root, OPENAPI_DOCUMENT_FILE), 'utf8')) as { paths: object; components: object };
}

export function committedApiPathsText(root = workspaceRoot()): string {
  return readFileSync(join(root, API_PATHS_FILE), 'utf8');
}
