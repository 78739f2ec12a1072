import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@cj/event-store';
import type { Projection } from './projection';
import { openReadDb, type ReadDb } from './read-db';

/** Events read from the log and folded in one transaction while a copy is built. */
const PAGE = 5000;

/** A table's rows in only one of the live and the rebuilt read models. */
export interface ReadModelDifference {
  readonly projection: string;
  readonly table: string;
  /** How many rows the live table has that a replay does not make, and the first few of them. */
  readonly onlyLive: number;
  /** How many rows a replay makes that the live table lacks, and the first few of them. */
  readonly onlyRebuilt: number;
  readonly samples: { readonly live: readonly unknown[]; readonly rebuilt: readonly unknown[] };
}

/**
 * Read models folded from the log into a scratch SQLite file, beside the live ones: the base of a
 * rebuild that keeps serving the old read models until the new ones are caught up (then swapped
 * in, in one transaction), and of `cj admin verify`, which compares the two.
 */
export class ReadModelCopy {
  readonly path: string;
  private readonly dir: string;
  private readonly db: ReadDb;
  private at = -1n;
  private events = 0;

  constructor(
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly streamPrefix: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'cj-read-models-'));
    this.path = join(this.dir, 'read.db');
    this.db = openReadDb(this.path);
    for (const projection of projections) this.db.exec(projection.schema);
  }

  /** The last log position folded into the copy (-1 before the first). */
  get position(): bigint {
    return this.at;
  }

  /** How many events the copy has folded. */
  get folded(): number {
    return this.events;
  }

  /**
   * Folds the log from where the copy is up to its current end (or `until`), a page per
   * transaction; `progress` is told after each page.
   */
  async catchUp(
    options: { until?: bigint; progress?: (position: bigint, events: number) => void } = {},
  ): Promise<bigint> {
    for (;;) {
      const page = await this.store.readAll({
        fromPosition: this.at + 1n,
        maxCount: PAGE,
        filter: { streamPrefixes: [this.streamPrefix] },
      });
      const events = options.until === undefined ? page : page.filter((event) => event.position <= options.until!);
      if (events.length > 0) {
        this.db.transaction(() => {
          for (const event of events) for (const projection of this.projections) projection.apply(this.db, event);
        })();
        this.at = events[events.length - 1].position;
        this.events += events.length;
        options.progress?.(this.at, this.events);
      }
      if (page.length < PAGE || events.length < page.length) return this.at;
    }
  }

  /**
   * Every row that differs between `live` and the copy, table by table (SQLite's EXCEPT both ways).
   * Synchronous, so no event is folded into the live read models while it compares.
   */
  differences(live: ReadDb): ReadModelDifference[] {
    return this.attachedTo(live, () =>
      this.projections.flatMap((projection) =>
        projection.tables.flatMap((table): ReadModelDifference[] => {
          const only = (a: string, b: string) => `SELECT * FROM ${a}.${table} EXCEPT SELECT * FROM ${b}.${table}`;
          const count = (sql: string) => (live.prepare(`SELECT COUNT(*) AS n FROM (${sql})`).get() as { n: number }).n;
          const onlyLive = count(only('main', 'copy'));
          const onlyRebuilt = count(only('copy', 'main'));
          if (onlyLive === 0 && onlyRebuilt === 0) return [];
          const sample = (sql: string) => live.prepare(`${sql} LIMIT 3`).all();
          return [
            {
              projection: projection.name,
              table,
              onlyLive,
              onlyRebuilt,
              samples: { live: sample(only('main', 'copy')), rebuilt: sample(only('copy', 'main')) },
            },
          ];
        }),
      ),
    );
  }

  /**
   * Replaces every projection's tables and checkpoint in `live` by the copy's, in one transaction:
   * a reader sees the old read models or the new ones, never a half-built one.
   */
  swapInto(live: ReadDb): void {
    this.attachedTo(live, () => {
      const save = live.prepare(
        'INSERT INTO projection_checkpoint (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position',
      );
      live.transaction(() => {
        for (const projection of this.projections) {
          for (const table of projection.tables) live.exec(`DROP TABLE IF EXISTS main.${table}`);
          live.exec(projection.schema);
          for (const table of projection.tables) live.exec(`INSERT INTO main.${table} SELECT * FROM copy.${table}`);
          save.run(projection.name, this.at);
        }
      })();
    });
  }

  /** Closes the copy and deletes its file. */
  dispose(): void {
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private attachedTo<T>(live: ReadDb, work: () => T): T {
    live.prepare('ATTACH DATABASE ? AS copy').run(this.path);
    try {
      return work();
    } finally {
      live.exec('DETACH DATABASE copy');
    }
  }
}
