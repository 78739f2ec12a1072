export { describeEventStoreContract, type ContractTimeouts, type OpenedEventStore } from './contract';
export { SubscriptionProbe, pause } from './subscription-probe';
export { startEsdbTestServer, type EsdbTestServer, type EsdbTestServerOptions } from './esdb-server';
