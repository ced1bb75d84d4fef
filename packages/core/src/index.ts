export * from './catalogue/index';
export * from './definition/index';
export * from './validators/index';
