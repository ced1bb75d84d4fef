export * from './period';
export * from './relationship-end';
