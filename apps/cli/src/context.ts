import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { ChangeRequest } from '@cj/api';
import { ApiClient } from './api-client';
import type { Output } from './render/output';
import type { Prompt } from './prompt';

export const DEFAULT_URL = 'http://127.0.0.1:7420';
export const DEFAULT_ENV = 'default';

/** Options every command accepts (flags or environment). */
export interface GlobalOptions {
  readonly url: string;
  readonly env: string;
  readonly token?: string;
  /** `--json`, on the commands that take it: answers are printed as JSON, not as text for people. */
  readonly json?: boolean;
}

/** What a command works with: the API, the output, the prompt, and who is asking. */
export class Cli {
  readonly api: ApiClient;
  /** One per invocation: a retried request never changes anything twice. */
  readonly commandId = randomUUID();

  constructor(
    readonly options: GlobalOptions,
    readonly out: Output,
    readonly prompt: Prompt,
  ) {
    this.api = new ApiClient({ ...options, printable: options.json !== true });
  }

  /** The metadata recorded with every change this invocation makes. */
  change(reason: string | undefined): ChangeRequest {
    return { actor: actor(), commandId: this.commandId, ...(reason ? { reason } : {}) };
  }

  /** Prints an API answer as it is, for scripts (`--json`). */
  json(body: unknown): void {
    this.out.line(asciiSafeJson(body));
  }
}

/** `user@hostname`. userInfo throws for a uid without a passwd entry (common in containers). */
function actor(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.LOGNAME ?? `uid${process.getuid?.() ?? ''}`;
  }
  return `${user}@${hostname()}`;
}

/**
 * JSON escapes C0 controls itself; C1 controls and bidirectional overrides it writes raw, and a
 * terminal may act on them. Written as \\u escapes they are still the same JSON strings.
 */
function asciiSafeJson(body: unknown): string {
  return JSON.stringify(body, null, 2).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
