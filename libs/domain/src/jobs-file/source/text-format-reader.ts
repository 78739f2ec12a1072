import { LIMITS } from '@cj/api';
import { issueAt, type JobsFileIssue } from '../issues';
import type { SourceLocation } from '../model';
import { TextFormatSyntaxError, type Token, tokenize } from './text-format-tokens';
import { childPath, type MapEntry, type Scalar, type SourceNode } from './source-node';
import type { ReadResult } from './yaml-reader';

/**
 * Fields that hold lists. Text format writes a list by repeating the field (`jobs: < … >` once per
 * job), so a field named here is a list even when it appears once; any other field may appear once.
 */
const REPEATED_FIELDS: ReadonlySet<string> = new Set(['jobs', 'envs', 'mounts', 'command', 'hosts']);

type RawValue =
  | { readonly kind: 'message'; readonly fields: RawField[]; readonly loc: SourceLocation }
  | { readonly kind: 'scalar'; readonly value: Scalar; readonly loc: SourceLocation };

interface RawField {
  readonly key: string;
  readonly keyLoc: SourceLocation;
  readonly values: RawValue[];
}

/**
 * Reads the seed's jobs file, protobuf text format as the talk writes it:
 * `jobs: < name: "…" image: "…" run_on_host: "…" port: "…" envs: < key: "…" value: "…" > >`.
 * Also accepted, as text format allows: `{ }` for `< >`, a missing `:` before a block, `[a, b]`
 * lists, `#` comments, `,`/`;` separators and adjacent strings that concatenate.
 */
export function readTextFormat(text: string, file: string): ReadResult {
  try {
    const parser = new TextFormatParser(tokenize(text, file));
    const root = parser.message(undefined, { file, line: 1, column: 1 });
    return { ok: true, root: toSourceNode(root, '') };
  } catch (error) {
    if (!(error instanceof TextFormatSyntaxError)) throw error;
    const errors: JobsFileIssue[] = [issueAt(error.loc, '', error.message, error.hint)];
    return { ok: false, errors };
  }
}

class TextFormatParser {
  private position = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  message(close: '>' | '}' | undefined, loc: SourceLocation): RawValue {
    this.depth += 1;
    if (this.depth > LIMITS.nestingDepth) {
      throw new TextFormatSyntaxError(
        `blocks nest deeper than ${LIMITS.nestingDepth} levels (the nesting limit)`,
        loc,
        'a jobs file needs a few levels: close the blocks you opened',
      );
    }
    const fields: RawField[] = [];
    for (;;) {
      const token = this.next();
      if (close === undefined ? token.kind === 'end' : token.kind === 'punct' && token.text === close) break;
      if (token.kind !== 'ident') throw this.unexpected(token, close ? `a field name or \`${close}\`` : 'a field name');
      const values = this.fieldValues();
      const existing = fields.find((field) => field.key === token.text);
      if (existing) existing.values.push(...values);
      else fields.push({ key: token.text, keyLoc: token.loc, values });
      this.skipSeparator();
    }
    this.depth -= 1;
    return { kind: 'message', fields, loc };
  }

  private fieldValues(): RawValue[] {
    const colon = this.peekPunct(':');
    if (colon) this.position += 1;
    const token = this.next();
    if (token.kind === 'punct' && (token.text === '<' || token.text === '{')) {
      return [this.message(token.text === '<' ? '>' : '}', token.loc)];
    }
    if (token.kind === 'punct' && token.text === '[') return this.list();
    if (!colon) throw this.unexpected(token, '`:` after the field name');
    return [this.scalar(token)];
  }

  private list(): RawValue[] {
    const values: RawValue[] = [];
    while (!this.peekPunct(']')) {
      const token = this.next();
      if (token.kind === 'punct' && (token.text === '<' || token.text === '{')) {
        values.push(this.message(token.text === '<' ? '>' : '}', token.loc));
      } else {
        values.push(this.scalar(token));
      }
      if (!this.peekPunct(']')) this.expectPunct(',');
    }
    this.position += 1;
    return values;
  }

  private scalar(token: Token): RawValue {
    switch (token.kind) {
      case 'string': {
        let value = token.value;
        for (let next = this.tokens[this.position]; next.kind === 'string'; next = this.tokens[this.position]) {
          value += next.value;
          this.position += 1;
        }
        return { kind: 'scalar', value, loc: token.loc };
      }
      case 'number':
        return { kind: 'scalar', value: token.value, loc: token.loc };
      case 'ident':
        return {
          kind: 'scalar',
          value: token.text === 'true' ? true : token.text === 'false' ? false : token.text,
          loc: token.loc,
        };
      default:
        throw this.unexpected(token, 'a value (a "string", a number, or `< … >`)');
    }
  }

  private next(): Token {
    const token = this.tokens[this.position];
    if (token.kind !== 'end') this.position += 1;
    return token;
  }

  private peekPunct(text: string): boolean {
    const token = this.tokens[this.position];
    return token.kind === 'punct' && token.text === text;
  }

  private expectPunct(text: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== text) throw this.unexpected(token, `\`${text}\``);
  }

  private skipSeparator(): void {
    if (this.peekPunct(',') || this.peekPunct(';')) this.position += 1;
  }

  private unexpected(token: Token, expected: string): TextFormatSyntaxError {
    const found =
      token.kind === 'end'
        ? 'the end of the file'
        : token.kind === 'string'
          ? `"${token.value}"`
          : `\`${'text' in token ? token.text : token.value}\``;
    return new TextFormatSyntaxError(
      `expected ${expected}, found ${found}`,
      token.loc,
      'check that every `<` has its `>` and every field reads `name: value`',
    );
  }
}

function toSourceNode(raw: RawValue, path: string): SourceNode {
  if (raw.kind === 'scalar') return { kind: 'scalar', value: raw.value, loc: raw.loc, path };
  const entries = raw.fields.map((field): MapEntry => {
    const fieldPath = childPath(path, field.key);
    if (!REPEATED_FIELDS.has(field.key)) {
      if (field.values.length > 1) {
        const second = field.values[1].loc;
        throw new TextFormatSyntaxError(
          `field \`${field.key}\` is given more than once`,
          second,
          `keep one \`${field.key}\``,
        );
      }
      return { key: field.key, keyLoc: field.keyLoc, value: toSourceNode(field.values[0], fieldPath) };
    }
    return {
      key: field.key,
      keyLoc: field.keyLoc,
      value: {
        kind: 'list',
        loc: field.keyLoc,
        path: fieldPath,
        items: field.values.map((value, index) => toSourceNode(value, childPath(fieldPath, index))),
      },
    };
  });
  return { kind: 'map', entries, loc: raw.loc, path };
}
