export * from './access-report';
export * from './document';
export { ACCESS_LABELS } from './labels';
export * from './render-access-report';
