export * from './shell-session';
