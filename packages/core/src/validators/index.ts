export * from './email';
export * from './failure';
export * from './hetu';
export * from './phone';
export * from './text';
export * from './ytunnus';
