export * from './jobs-file/model';
export * from './ports';
export * from './api';
