export * from './email';
export * from './hetu';
export * from './phone';
export * from './text';
export * from './ytunnus';
