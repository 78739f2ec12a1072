const UNIT_BYTES: Readonly<Record<string, number>> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const MEMORY = /^(\d+(?:\.\d+)?)([bkmg])?$/i;

/** Reads a memory size as Docker writes it (`256m`, `1g`, `512k`, bytes as a number) into bytes. */
export function parseMemory(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isInteger(text) && text > 0 ? text : undefined;
  const match = MEMORY.exec(text);
  if (!match) return undefined;
  const bytes = Math.round(Number(match[1]) * UNIT_BYTES[(match[2] ?? 'b').toLowerCase()]);
  return bytes > 0 ? bytes : undefined;
}
