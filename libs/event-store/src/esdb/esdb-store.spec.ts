import { describeEventStoreContract } from '../testing/contract';
import { startEsdbTestServer, type EsdbTestServerOptions } from '../testing/esdb-server';
import { EventStoreDbStore } from './esdb-store';

function againstTestServer(options: EsdbTestServerOptions) {
  return async () => {
    const server = await startEsdbTestServer(options);
    const store = new EventStoreDbStore(server.url);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await server.stop();
      },
    };
  };
}

describeEventStoreContract('EventStoreDB adapter (test server)', againstTestServer({ port: 0 }));

// Servers before 23.10 send no CaughtUp and offer no BatchAppend: the adapter must find both out.
describeEventStoreContract(
  'EventStoreDB adapter (test server as EventStoreDB 22.10)',
  againstTestServer({ port: 0, version: '22.10.0', caughtUpMessages: false, batchAppend: false }),
);

const realServer = process.env['CJ_TEST_ESDB_URL'];
if (realServer) {
  describeEventStoreContract(`EventStoreDB adapter (${realServer})`, async () => {
    const store = new EventStoreDbStore(realServer);
    return { store, cleanup: () => store.close() };
  });
}
