import { loadConfig } from '../../shared/config.js';
import { AppError } from '../../shared/domain/errors.js';
import { Authenticator } from '../../shared/http/auth.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { createLogger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/runtime.js';
import { basePathOf, renderPage } from '../../shared/web/layout.js';
import { stylesheet } from '../../shared/web/style.js';
import { homePage } from './pages/home.js';
import { webRoutes } from './routes.js';

/** Hashed names never change content: a year in any cache. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface WebSettings {
  webBaseUrl: string;
}

export function createWebHandler(settings: WebSettings): HttpHandler {
  const basePath = basePathOf(settings.webBaseUrl);
  // The pages so far are public: no credential is looked up yet.
  const authenticator = new Authenticator({ apiKeys: { findApiKey: async () => undefined }, clock: systemClock });
  return createHttpHandler(webRoutes, {
    // Public and the same for everyone: cacheable for a few minutes.
    home: async () => ({ status: 200, body: renderPage(basePath, homePage()), headers: { 'cache-control': 'public, max-age=300' } }),
    asset: async ({ params }) => {
      if (params.file !== stylesheet.name) throw new AppError('NOT_FOUND');
      return { status: 200, body: stylesheet.body, headers: { 'content-type': stylesheet.contentType, 'cache-control': IMMUTABLE } };
    },
  }, { authenticator, logger: createLogger('web'), pages: { basePath } });
}

export const handler = lambdaEntry(() => createWebHandler({ webBaseUrl: loadConfig().WEB_BASE_URL }));
