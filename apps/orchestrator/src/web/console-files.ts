import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

/** A built file of the console, held in memory: the build is small and never changes under a running orchestrator. */
export interface ConsoleFile {
  readonly body: Buffer;
  readonly contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/** `dist/web` of the workspace, found by walking up from this file (sources in tests, dist/ in production). */
export function defaultConsoleRoot(from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cj')
      return join(dir, 'dist', 'web');
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The console's Vite build: index.html and the files under assets/. Only these names are ever
 * served (no path from a request reaches the file system).
 */
export class ConsoleFiles {
  private constructor(
    readonly index: Buffer | undefined,
    private readonly assets: ReadonlyMap<string, ConsoleFile>,
  ) {}

  static load(root: string | undefined): ConsoleFiles {
    if (root === undefined || !existsSync(join(root, 'index.html'))) return new ConsoleFiles(undefined, new Map());
    const assetsDir = join(root, 'assets');
    const assets = new Map<string, ConsoleFile>();
    for (const name of existsSync(assetsDir) ? readdirSync(assetsDir) : []) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (contentType) assets.set(name, { body: readFileSync(join(assetsDir, name)), contentType });
    }
    return new ConsoleFiles(readFileSync(join(root, 'index.html')), assets);
  }

  asset(name: string): ConsoleFile | undefined {
    return this.assets.get(name);
  }
}
