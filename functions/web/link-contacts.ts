import { AppError, errorCatalog } from '../../shared/domain/errors.js';
import type { Reply, RouteActions, RouteRequest, RouteSpec } from '../../shared/http/route.js';
import { PersonPageError } from '../../shared/web/error-page.js';
import { enrollmentRoutes } from '../enrollment/routes.js';
import { Web, type WebDeps } from './kit.js';

type Action = (request: RouteRequest<RouteSpec>) => Promise<Reply>;

/**
 * Every page of an e-mailed link (`/web/<purpose>/{token}`) that ends on a used or expired link
 * names the agency's verifiers, as a signed-in person's error pages do: the person opening it is
 * not signed in, but the link says which agency sent it.
 */
export function withLinkContacts<R extends Record<string, RouteSpec>>(deps: WebDeps, actions: RouteActions<R>): RouteActions<R> {
  const wrapped = Object.entries(actions as unknown as Record<string, Action>).map(([name, action]) => [name, async (request: RouteRequest<RouteSpec>) => {
    try {
      return await action(request);
    } catch (error) {
      throw await withContacts(new Web(deps, request), error, (request.params as { token?: unknown } | undefined)?.token);
    }
  }]);
  return Object.fromEntries(wrapped) as RouteActions<R>;
}

async function withContacts(web: Web, error: unknown, token: unknown): Promise<unknown> {
  if (typeof token !== 'string' || !(error instanceof AppError) || error instanceof PersonPageError || error.status !== 410) return error;
  const found = await web.api.call(enrollmentRoutes, 'getLinkContacts', { params: { token } });
  if (!found.ok || found.body.verifierContacts.length === 0) return error;
  return new PersonPageError(error.code, error.detailOverride ?? errorCatalog[error.code], found.body.verifierContacts);
}
