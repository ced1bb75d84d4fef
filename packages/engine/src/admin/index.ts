export * from './list-commitment-signatures';
export * from './list-user-accounts';
