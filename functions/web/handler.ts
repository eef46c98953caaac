import { createLambdaClient } from '../../shared/adapters/aws/clients.js';
import { LambdaApiClient } from '../../shared/adapters/aws/lambda-api-client.js';
import { loadConfig } from '../../shared/config.js';
import { AppError } from '../../shared/domain/errors.js';
import { Authenticator } from '../../shared/http/auth.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { createLogger } from '../../shared/logger.js';
import type { ApiClient } from '../../shared/ports/api-client.js';
import { systemClock } from '../../shared/ports/runtime.js';
import { basePathOf } from '../../shared/web/layout.js';
import { assetCatalog, bundledAssets, type WebAsset } from './assets.js';
import { accountSetupActions } from './flows/account-setup.js';
import { activationActions } from './flows/activation.js';
import { apiKeyActions } from './flows/api-keys.js';
import { tenantPageActions } from './flows/tenants.js';
import { billingPageActions } from './flows/billing.js';
import { auditPageActions } from './flows/audit.js';
import { consoleActions } from './flows/console.js';
import { enrollActions } from './flows/enroll.js';
import { loginActions } from './flows/login.js';
import { meActions } from './flows/me.js';
import { selfServiceActions } from './flows/self-service.js';
import { signActions } from './flows/sign.js';
import { verifyActions } from './flows/verify.js';
import { dataChangeActions } from './flows/data-change.js';
import { helpActions } from './flows/help.js';
import { applyPageActions } from './flows/apply.js';
import { contactPageActions } from './flows/contacts.js';
import { tenantSelfServiceActions } from './flows/tenant-self-service.js';
import { consentStatementPageActions } from './flows/consent-statement.js';
import { emailStatusPageActions } from './flows/email-status.js';
import { Web, type WebDeps } from './kit.js';
import { withLinkContacts } from './link-contacts.js';
import { homePage } from './pages/home.js';
import { webRoutes } from './routes.js';

/** Hashed names never change content: a year in any cache. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface WebSettings {
  webBaseUrl: string;
  /** Origins the photo uploads go to (the photo bucket's S3 endpoint). */
  photoOrigins: readonly string[];
}

/**
 * The pages: each action renders HTML or calls the owning context through `api` (as the browser
 * would, with its cookie), so every rule stays in one place: the API.
 */
export function createWebHandler(deps: { api: ApiClient; assets: readonly WebAsset[]; settings: WebSettings }): HttpHandler {
  const basePath = basePathOf(deps.settings.webBaseUrl);
  const assets = assetCatalog(deps.assets);
  const webDeps: WebDeps = {
    api: deps.api,
    basePath,
    // The pages are served at <api>/web, so the API's /v1 routes sit beside them.
    apiBasePath: basePath.replace(/\/web$/, ''),
    photoOrigins: deps.settings.photoOrigins,
    ...(assets.script ? { scriptUrl: `${basePath}/assets/${assets.script.name}` } : {}),
    ...(assets.pdfjs ? { pdfjs: { library: `${basePath}/assets/${assets.pdfjs.library.name}`, worker: `${basePath}/assets/${assets.pdfjs.worker.name}` } } : {}),
    webBaseUrl: deps.settings.webBaseUrl.replace(/\/+$/, ''),
  };
  // The web function authenticates nobody itself: the API does, for every call a page makes.
  const authenticator = new Authenticator({ apiKeys: { findApiKey: async () => undefined }, clock: systemClock });
  return createHttpHandler(webRoutes, withLinkContacts<typeof webRoutes.routes>(webDeps, {
    home: async (request) => {
      const web = new Web(webDeps, request);
      return web.page(homePage({ login: web.path('/login'), verify: web.path('/verify'), help: web.path('/help'), apply: web.path('/apply') }), { cacheable: true });
    },
    asset: async ({ params }) => {
      const asset = assets.byName.get(params.file);
      if (!asset) throw new AppError('NOT_FOUND');
      return { status: 200, body: asset.body, headers: { 'content-type': asset.contentType, 'cache-control': IMMUTABLE } };
    },
    notFound: async () => {
      throw new AppError('ROUTE_NOT_FOUND');
    },
    ...loginActions(webDeps),
    ...activationActions(webDeps),
    ...accountSetupActions(webDeps),
    ...enrollActions(webDeps),
    ...meActions(webDeps),
    ...consoleActions(webDeps),
    ...apiKeyActions(webDeps),
    ...tenantPageActions(webDeps),
    ...billingPageActions(webDeps),
    ...auditPageActions(webDeps),
    ...selfServiceActions(webDeps),
    ...signActions(webDeps),
    ...verifyActions(webDeps),
    ...dataChangeActions(webDeps),
    ...helpActions(webDeps),
    ...applyPageActions(webDeps),
    ...contactPageActions(webDeps),
    ...tenantSelfServiceActions(webDeps),
    ...consentStatementPageActions(webDeps),
    ...emailStatusPageActions(webDeps),
  }), { authenticator, logger: createLogger('web'), pages: { basePath } });
}

export const handler = lambdaEntry(() => {
  const config = loadConfig();
  const functionNames = JSON.parse(config.CONTEXT_FUNCTIONS ?? '{}') as Record<string, string>;
  return createWebHandler({
    api: new LambdaApiClient(createLambdaClient(), functionNames),
    assets: bundledAssets(),
    settings: { webBaseUrl: config.WEB_BASE_URL, photoOrigins: config.PHOTO_UPLOAD_ORIGIN ? [config.PHOTO_UPLOAD_ORIGIN] : [] },
  });
});
