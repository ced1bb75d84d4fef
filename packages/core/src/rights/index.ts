export * from './deadline';
export * from './render-refusal-certificate';
