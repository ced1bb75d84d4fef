export { ROPA_LABELS } from './labels';
export { type RopaOptions, renderRopa } from './render';
