import { createLogger } from '../../shared/logger.js';
import { Authenticator } from '../../shared/http/auth.js';
import { systemClock } from '../../shared/ports/runtime.js';
import { buildOpenApi } from '../../shared/http/openapi.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { routeTables } from '../route-tables.js';
import { docsRoutes } from './routes.js';

const packageVersion = '1.0.0';

export function createDocsHandler(): HttpHandler {
  // Built once per container: the route tables do not change at run time.
  const document = buildOpenApi(routeTables, { title: 'TTE Service API', version: packageVersion });
  // Public routes only: no credential is ever looked up, so no table access is needed.
  const authenticator = new Authenticator({ apiKeys: { findApiKey: async () => undefined }, clock: systemClock });
  return createHttpHandler(docsRoutes, {
    getOpenApi: async () => ({ status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } }),
  }, { authenticator, logger: createLogger('docs') });
}

export const handler = lambdaEntry(createDocsHandler);
