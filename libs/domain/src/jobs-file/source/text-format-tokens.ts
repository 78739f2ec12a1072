import type { SourceLocation } from '../model';

/** A lexical unit of protobuf text format, as the talk's jobs file is written. */
export type Token =
  | { readonly kind: 'ident'; readonly text: string; readonly loc: SourceLocation }
  | { readonly kind: 'string'; readonly value: string; readonly loc: SourceLocation }
  | { readonly kind: 'number'; readonly value: number; readonly loc: SourceLocation }
  | { readonly kind: 'punct'; readonly text: Punct; readonly loc: SourceLocation }
  | { readonly kind: 'end'; readonly loc: SourceLocation };

export type Punct = ':' | '<' | '>' | '{' | '}' | '[' | ']' | ',' | ';';

export class TextFormatSyntaxError extends Error {
  override readonly name = 'TextFormatSyntaxError';

  constructor(
    message: string,
    readonly loc: SourceLocation,
    readonly hint: string,
  ) {
    super(message);
  }
}

const PUNCT = new Set(':<>{}[],;');
const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  "'": "'",
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '?': '?',
};

/** Splits text-format source into tokens, keeping each one's line and column (1-based). */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): SourceLocation => ({ file, line, column: offset - lineStart + 1 });

  while (offset < text.length) {
    const char = text[offset];
    if (char === '\n') {
      offset += 1;
      line += 1;
      lineStart = offset;
    } else if (/\s/.test(char)) {
      offset += 1;
    } else if (char === '#') {
      while (offset < text.length && text[offset] !== '\n') offset += 1;
    } else if (PUNCT.has(char)) {
      tokens.push({ kind: 'punct', text: char as Punct, loc: here() });
      offset += 1;
    } else if (char === '"' || char === "'") {
      const loc = here();
      const { value, end } = readString(text, offset, loc);
      tokens.push({ kind: 'string', value, loc });
      offset = end;
    } else {
      const loc = here();
      // Words may hold inner hyphens so that `order: start-first` reads as one value.
      const word = /^[-+]?[\w.]+(?:-[\w.]+)*/.exec(text.slice(offset))?.[0];
      if (!word) {
        throw new TextFormatSyntaxError(
          `unexpected character ${JSON.stringify(char)}`,
          loc,
          'write fields as `name: value` or `name: < … >`',
        );
      }
      const number = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(word) ? Number(word) : undefined;
      tokens.push(number === undefined ? { kind: 'ident', text: word, loc } : { kind: 'number', value: number, loc });
      offset += word.length;
    }
  }
  tokens.push({ kind: 'end', loc: here() });
  return tokens;
}

function readString(text: string, start: number, loc: SourceLocation): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  let offset = start + 1;
  while (offset < text.length && text[offset] !== quote) {
    const char = text[offset];
    if (char === '\n') break;
    if (char !== '\\') {
      value += char;
      offset += 1;
      continue;
    }
    const next = text[offset + 1];
    const octal = /^[0-7]{1,3}/.exec(text.slice(offset + 1))?.[0];
    const hex = next === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(text.slice(offset + 2))?.[0] : undefined;
    if (octal) {
      value += String.fromCharCode(parseInt(octal, 8));
      offset += 1 + octal.length;
    } else if (hex) {
      value += String.fromCharCode(parseInt(hex, 16));
      offset += 2 + hex.length;
    } else if (next !== undefined && next in ESCAPES) {
      value += ESCAPES[next];
      offset += 2;
    } else {
      throw new TextFormatSyntaxError(`unknown escape \\${next ?? ''} in a string`, loc, 'escape a backslash as \\\\');
    }
  }
  if (text[offset] !== quote) {
    throw new TextFormatSyntaxError('string is not closed on its line', loc, `end the string with ${quote}`);
  }
  return { value, end: offset + 1 };
}
