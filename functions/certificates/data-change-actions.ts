import type { RouteActions } from '../../shared/http/route.js';
import type { dataChangeRoutes } from './data-change-routes.js';
import {
  confirmEmail, decideDataChange, decideThroughLink, getDataChangeLink, getEmailConfirmation, getMyDataChanges, listDataChanges, requestDataChange,
  type DataChangeDeps,
} from './use-cases/data-change.js';

/** The data change routes of the certificates handler: parse, call one use case, answer. */
export function dataChangeActions(deps: DataChangeDeps): RouteActions<typeof dataChangeRoutes> {
  return {
    requestMyDataChange: async ({ actor, body }) => ({ status: 201, body: await requestDataChange(deps, { actor, changes: body }) }),
    getMyDataChanges: async ({ actor }) => ({ status: 200, body: await getMyDataChanges(deps, { actor }) }),
    proposeDataChange: async ({ actor, params, body }) => ({ status: 201, body: await requestDataChange(deps, { actor, userId: params.userId, changes: body }) }),
    listDataChanges: async ({ actor, query }) => ({ status: 200, body: await listDataChanges(deps, { actor, ...query }) }),
    decideDataChange: async ({ actor, params, body }) => ({ status: 200, body: await decideDataChange(deps, { actor, requestId: params.id, ...body }) }),
    getDataChangeLink: async ({ params }) => ({ status: 200, body: await getDataChangeLink(deps, params) }),
    decideDataChangeLink: async ({ params, body }) => ({ status: 200, body: await decideThroughLink(deps, { token: params.token, ...body }) }),
    getEmailConfirmation: async ({ params }) => ({ status: 200, body: await getEmailConfirmation(deps, params) }),
    confirmEmail: async ({ params }) => ({ status: 200, body: await confirmEmail(deps, params) }),
  };
}
