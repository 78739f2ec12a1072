import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { DEFAULT_MAX_APPEND_SIZE } from '../../append-size';
import { openSqliteEventStore } from '../../sqlite';
import { AppendSignal } from './append-signal';
import { RequestGate } from './request-gate';
import { serverFeaturesService } from './server-features';
import { streamsService } from './streams-service';

export interface EsdbTestServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  readonly port?: number;
  /** The SQLite event log behind the server. Give a file to keep events across a stop and start; default: a temporary file removed on stop. */
  readonly file?: string;
  /** Offer BatchAppend (the client then appends through it); false makes the client use Append. */
  readonly batchAppend?: boolean;
  /** Send CaughtUp to subscriptions, as EventStoreDB 23.10 and later do; false behaves like older servers. */
  readonly caughtUpMessages?: boolean;
  /** The version ServerFeatures reports. */
  readonly version?: string;
  /** EventStoreDB's `MaxAppendSize`: the most bytes (type, data and metadata of its events) one append may carry; default 1 MiB. */
  readonly maxAppendSize?: number;
}

export interface EsdbTestServer {
  /** Connection string for the adapter: esdb://127.0.0.1:PORT?tls=false */
  readonly url: string;
  readonly port: number;
  /** Holds every new request until resume(): lets deadlines expire. */
  pause(): void;
  resume(): void;
  /** Drops every connection at once (as a crash would) and closes the event log. */
  stop(): Promise<void>;
}

/**
 * An EventStoreDB-compatible gRPC server for tests: the client's own generated service definitions,
 * served by @grpc/grpc-js, storing through the embedded SQLite store.
 */
export async function startEsdbTestServer(options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> {
  const scratch = options.file ? undefined : mkdtempSync(join(tmpdir(), 'esdb-test-server-'));
  // The server enforces the maximum append size itself, on the bytes it received, as EventStoreDB does.
  const store = openSqliteEventStore(options.file ?? join(scratch!, 'events.db'), { maxAppendSize: Infinity });
  const gate = new RequestGate();
  const server = new Server();
  server.addService(
    StreamsService,
    streamsService({
      store,
      gate,
      appends: new AppendSignal(),
      caughtUpMessages: options.caughtUpMessages ?? true,
      maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
    }),
  );
  server.addService(
    ServerFeaturesService,
    serverFeaturesService({ version: options.version ?? '24.10.0', batchAppend: options.batchAppend ?? true }),
  );
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
  } catch (error) {
    await store.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    pause: () => gate.pause(),
    resume: () => gate.resume(),
    stop: async () => {
      server.forceShutdown();
      gate.resume();
      await store.close();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}
