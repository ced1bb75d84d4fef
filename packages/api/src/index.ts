export {
  API_VERSION,
  type ApiContext,
  type BuildAppOptions,
  buildApp,
  openApiOnlyApp,
  type RoutePermission,
  type RouteRule,
  routeTable,
} from './app';
export { type ErrorBody, errorBody } from './errors';
export { type HardeningOptions, installHardening } from './hardening';
export { type LoggerConfig, loggerOptions, scrub } from './logging';
export { openApiDocument, openApiText } from './openapi';
export { installWebApp, isWebAppBuilt } from './web';
