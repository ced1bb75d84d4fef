export * from './clock';
export * from './notice';
