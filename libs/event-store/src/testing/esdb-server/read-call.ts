import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { StreamNotFoundError } from '../../errors';
import type { EventStore, RecordedEvent } from '../../port';
import type { AppendSignal } from './append-signal';
import { serverFilterOf, type ServerFilter } from './event-filter';
import type { RequestGate } from './request-gate';
import { streamIdentifier, streamNameOf, toReadEvent, WireError } from './wire';

const PAGE_SIZE = 500;

export interface ReadServices {
  readonly store: EventStore;
  readonly appends: AppendSignal;
  readonly gate: RequestGate;
  /** Whether to send CaughtUp (EventStoreDB 23.10 and later do; older servers do not). */
  readonly caughtUpMessages: boolean;
}

type Call = ServerWritableStream<ReadReq, ReadResp>;

/** Streams.Read: a finite read of a stream or $all, or a catch-up subscription to either. */
export class ReadCall {
  private readonly stop = new AbortController();
  private readonly options: ReadReq.Options;
  private readonly structuredIds: boolean;
  private readonly filter: ServerFilter | undefined;

  constructor(
    private readonly call: Call,
    private readonly services: ReadServices,
  ) {
    const options = call.request.getOptions();
    if (!options) throw new WireError('a read without options');
    this.options = options;
    this.structuredIds =
      options.getUuidOption()?.getContentCase() === ReadReq.Options.UUIDOption.ContentCase.STRUCTURED;
    this.filter = serverFilterOf(options);
    call.on('cancelled', () => this.stop.abort());
  }

  async serve(): Promise<void> {
    await this.services.gate.pass();
    const subscription = this.options.getCountOptionCase() === ReadReq.Options.CountOptionCase.SUBSCRIPTION;
    const ofStream = this.options.getStreamOptionCase() === ReadReq.Options.StreamOptionCase.STREAM;
    if (subscription) {
      await this.send(
        new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())),
      );
      await (ofStream ? this.followStream() : this.followAll());
    } else {
      await (ofStream ? this.readStream() : this.readAll());
    }
    if (!this.stop.signal.aborted) this.call.end();
  }

  private async readStream(): Promise<void> {
    const stream = this.options.getStream()!;
    const streamId = streamNameOf(stream.getStreamIdentifier());
    const backwards = this.options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    let remaining = Number(this.options.getCount());
    let from: bigint | 'start' | 'end' = stream.hasRevision()
      ? BigInt(stream.getRevision())
      : stream.hasEnd()
        ? 'end'
        : 'start';
    try {
      while (remaining > 0 && !this.stop.signal.aborted) {
        const page = await this.services.store.readStream(streamId, {
          direction: backwards ? 'backwards' : 'forwards',
          fromRevision: from,
          maxCount: Math.min(remaining, PAGE_SIZE),
        });
        for (const event of page) await this.send(toReadEvent(event, this.structuredIds));
        remaining -= page.length;
        const last = page.at(-1);
        if (!last || page.length < PAGE_SIZE || (backwards && last.revision === 0n)) return;
        from = backwards ? last.revision - 1n : last.revision + 1n;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
      await this.send(
        new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(streamId))),
      );
    }
  }

  private async readAll(): Promise<void> {
    const all = this.options.getAll()!;
    const backwards = this.options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    let remaining = Number(this.options.getCount());
    let from: bigint | 'start' | 'end' = all.hasPosition()
      ? BigInt(all.getPosition()!.getCommitPosition())
      : all.hasEnd()
        ? 'end'
        : 'start';
    while (remaining > 0 && !this.stop.signal.aborted) {
      const page = await this.services.store.readAll({
        direction: backwards ? 'backwards' : 'forwards',
        fromPosition: from,
        maxCount: PAGE_SIZE,
      });
      for (const event of page) {
        if (this.filter && !this.filter.matches(event)) continue;
        await this.send(toReadEvent(event, this.structuredIds));
        if (--remaining === 0) return;
      }
      const last = page.at(-1);
      if (!last || page.length < PAGE_SIZE || (backwards && last.position === 0n)) return;
      from = backwards ? last.position - 1n : last.position + 1n;
    }
  }

  /** History, then live: one loop of "events after the last one sent", so the switch has no gap. */
  private async followStream(): Promise<void> {
    const stream = this.options.getStream()!;
    const streamId = streamNameOf(stream.getStreamIdentifier());
    let after = stream.hasRevision()
      ? BigInt(stream.getRevision())
      : stream.hasEnd()
        ? await this.lastRevision(streamId)
        : -1n;
    await this.follow(async () => {
      const page = await this.pageOfStream(streamId, after);
      for (const event of page) {
        await this.send(toReadEvent(event, this.structuredIds));
        after = event.revision;
      }
      return page.length;
    });
  }

  private async followAll(): Promise<void> {
    const all = this.options.getAll()!;
    let after = all.hasPosition()
      ? BigInt(all.getPosition()!.getCommitPosition())
      : all.hasEnd()
        ? await this.lastPosition()
        : -1n;
    let scanned = 0;
    let checkpointed = after;
    const checkpoint = async () => {
      await this.send(
        new ReadResp().setCheckpoint(
          new ReadResp.Checkpoint().setCommitPosition(after.toString()).setPreparePosition(after.toString()),
        ),
      );
      checkpointed = after;
      scanned = 0;
    };
    await this.follow(
      async () => {
        const page = await this.services.store.readAll({ fromPosition: after + 1n, maxCount: PAGE_SIZE });
        for (const event of page) {
          after = event.position;
          if (!this.filter || this.filter.matches(event)) await this.send(toReadEvent(event, this.structuredIds));
          // EventStoreDB counts every event it scans, matching or not, toward the checkpoint interval.
          if (this.filter && ++scanned >= this.filter.checkpointEvery) await checkpoint();
        }
        return page.length;
      },
      // A filtered subscription reports how far it has looked, so a client can tell it is caught up.
      async () => {
        if (this.filter && checkpointed !== after) await checkpoint();
      },
    );
  }

  private async follow(readPage: () => Promise<number>, onCaughtUp?: () => Promise<void>): Promise<void> {
    let caughtUp = false;
    while (!this.stop.signal.aborted) {
      const seen = this.services.appends.appends;
      const read = await readPage();
      if (read === PAGE_SIZE) continue;
      if (!caughtUp) {
        caughtUp = true;
        await onCaughtUp?.();
        if (this.services.caughtUpMessages) await this.send(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
      }
      await this.services.appends.after(seen, this.stop.signal);
    }
  }

  private async pageOfStream(streamId: string, after: bigint): Promise<RecordedEvent[]> {
    try {
      return await this.services.store.readStream(streamId, { fromRevision: after + 1n, maxCount: PAGE_SIZE });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  private async lastRevision(streamId: string): Promise<bigint> {
    const [last] = await this.pageOfStreamBackwards(streamId);
    return last?.revision ?? -1n;
  }

  private async pageOfStreamBackwards(streamId: string): Promise<RecordedEvent[]> {
    try {
      return await this.services.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  private async lastPosition(): Promise<bigint> {
    const [last] = await this.services.store.readAll({ direction: 'backwards', maxCount: 1 });
    return last?.position ?? -1n;
  }

  /** Writes with backpressure: waits for the client to drain rather than buffering without bound. */
  private async send(response: ReadResp): Promise<void> {
    if (this.stop.signal.aborted) return;
    if (!this.call.write(response)) {
      await once(this.call, 'drain', { signal: this.stop.signal }).catch(() => undefined);
    }
  }
}
