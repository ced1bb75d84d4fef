export * from './catalogue/index';
export * from './definition/index';
export * from './errors/index';
export * from './fields/index';
export * from './notice/index';
export * from './ropa/index';
export * from './validators/index';
