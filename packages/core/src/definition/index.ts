export * from './load';
export * from './problem';
export * from './roles';
export * from './schema';
export * from './text';
