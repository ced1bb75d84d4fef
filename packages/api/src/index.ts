export {
  API_VERSION,
  type ApiContext,
  type BuildAppOptions,
  buildApp,
  LOCAL_OPERATOR,
  openApiOnlyApp,
} from './app';
export { type ErrorBody, errorBody } from './errors';
export { openApiDocument, openApiText } from './openapi';
