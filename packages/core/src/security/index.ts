export * from './commitment';
export * from './permissions';
