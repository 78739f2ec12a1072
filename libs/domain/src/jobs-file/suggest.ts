/**
 * The known word closest to what was written, if it is close enough to be a likely slip:
 * `run_on_hots` → `run_on_host`, `maxParallel` → `max_parallel`.
 */
export function closest(written: string, known: readonly string[]): string | undefined {
  const snake = written
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
  let best: { word: string; distance: number } | undefined;
  for (const word of known) {
    const distance = Math.min(editDistance(written, word), editDistance(snake, word));
    if (!best || distance < best.distance) best = { word, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.word.length / 3)) ? best.word : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
