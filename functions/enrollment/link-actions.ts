import type { RouteActions } from '../../shared/http/route.js';
import type { enrollmentRoutes } from './routes.js';
import { linkContacts, renewLink, resendLink, type RenewLinkDeps } from './use-cases/resend-link.js';

type LinkRouteSpecs = Pick<typeof enrollmentRoutes.routes, 'resendLink' | 'renewLink' | 'resendActivationLink' | 'getLinkContacts'>;

/** Thin actions for the links sent again; the older activation-link route is the activate case. */
export function linkActions(deps: RenewLinkDeps): RouteActions<LinkRouteSpecs> {
  return {
    resendLink: async ({ actor, params }) => ({ status: 202, body: await resendLink(deps, { actor, userId: params.userId, purpose: params.purpose }) }),
    renewLink: async ({ params, body, sourceIp }) => {
      await renewLink(deps, { purpose: params.purpose, email: body.email, clientKey: sourceIp });
      return { status: 202, body: { status: 'ACCEPTED' } };
    },
    getLinkContacts: async ({ params }) => ({ status: 200, body: await linkContacts(deps, params.token) }),
    resendActivationLink: async ({ actor, params }) => {
      const { expiresAt } = await resendLink(deps, { actor, userId: params.userId, purpose: 'activate' });
      return { status: 202, body: { activationExpiresAt: expiresAt } };
    },
  };
}
