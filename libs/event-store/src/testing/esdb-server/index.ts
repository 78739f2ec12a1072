export { startEsdbTestServer, type EsdbTestServer, type EsdbTestServerOptions } from './esdb-test-server';
