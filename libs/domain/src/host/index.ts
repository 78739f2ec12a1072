export * from './host-decider';
