export * from './catalogue';
export * from './core-fields';
