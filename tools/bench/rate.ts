/** Best rate over `rounds` runs, in `count` per second. */
export async function rate(count: number, rounds: number, run: () => void | Promise<void>): Promise<number> {
  let best = 0;
  for (let round = 0; round < rounds; round += 1) {
    const started = process.hrtime.bigint();
    await run();
    best = Math.max(best, count / (Number(process.hrtime.bigint() - started) / 1e9));
  }
  return best;
}
