/**
 * Control characters (C0, DEL, C1) and the bidirectional overrides that can reorder a line on
 * screen. Recorded text (actors, reasons, names, engine messages) may hold any of them.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the orchestrator made safe to print on a terminal: each control character written as
 * an escape (`\x1b`, `\x07`, `\n`, `\u202e`), so recorded text can neither move the cursor, retitle
 * the window, clear the screen nor forge a line of output. The events keep the bytes they were given.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A JSON.parse reviver: every string of an answer, printable. */
export function printableStrings(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? printable(value) : value;
}
