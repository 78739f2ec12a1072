import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The version recorded on every event: the workspace package's, found by walking up from this
 * file (the same code runs from the sources in tests and from dist/ in production).
 */
export function cjVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'cj' && manifest.version) return manifest.version;
    }
    if (dirname(dir) === dir) return '0.0.0-unknown';
  }
}
