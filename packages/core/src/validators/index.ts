export * from './email';
export * from './hetu';
export * from './phone';
export * from './ytunnus';
