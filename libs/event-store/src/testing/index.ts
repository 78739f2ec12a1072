export { describeEventStoreContract, type ContractTimeouts, type OpenedEventStore } from './contract';
export { SubscriptionProbe, pause } from './subscription-probe';
