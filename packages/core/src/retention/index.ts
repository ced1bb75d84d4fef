export * from './anonymise';
export * from './blockers';
export * from './due-date';
export * from './duration';
export * from './fiscal';
