export * from './connect';
export * from './executor';
export * from './repositories/audit';
export * from './repositories/notice-versions';
export * from './repositories/organisations';
export * from './repositories/persons';
export * from './repositories/provenance';
export type * from './types';
