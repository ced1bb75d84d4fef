export * from './validate-fields';
