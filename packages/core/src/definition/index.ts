export * from './check';
export * from './json-schema';
export * from './load';
export * from './placeholders';
export * from './problem';
export * from './roles';
export * from './schema';
export * from './text';
