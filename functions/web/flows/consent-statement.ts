import * as z from 'zod';
import type { RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { signingRoutes } from '../../signing/routes.js';
import type { Reply } from '../../../shared/http/route.js';
import { Web, type WebDeps } from '../kit.js';
import { page } from '../route-parts.js';

/**
 * The sealed personal-data statement as a download: from "Akun saya" for the person, from the
 * console's user page for a verifier of their tenant. The pages only pass the signing API's file
 * on, so its rules (who may have it, the audit of a verifier's download) apply unchanged.
 */

export const consentStatementPageRoutes = {
  myConsentStatement: {
    method: 'GET', path: '/web/me/consent-statement', summary: "The signed-in person's sealed personal-data statement (PDF download)", access: 'public',
    responses: {
      200: { description: 'The sealed statement', contentType: 'application/pdf' },
      303: page('Not signed in: to the login page'),
      409: page('No consent recorded yet'),
    },
  },
  consoleConsentStatement: {
    method: 'GET', path: '/web/console/users/{userId}/consent-statement', summary: "Verifier console: a user's sealed personal-data statement (PDF download, audited)", access: 'public',
    params: z.strictObject({ userId: z.string().min(1).max(64) }),
    responses: {
      200: { description: 'The sealed statement', contentType: 'application/pdf' },
      303: page('Not signed in: to the login page'),
      404: page("Unknown, or another tenant's user"),
      409: page('No consent recorded yet'),
    },
  },
} as const satisfies Record<string, RouteSpec>;

/** The link's label on both pages. */
export const consentStatementLabel = 'Unduh surat pernyataan data pribadi (PDF)';

/** Where the person's own statement is downloaded (under the pages' base path). */
export const myConsentStatementPath = (web: Web) => web.path('/me/consent-statement');
/** Where a verifier downloads a user's statement. */
export const consoleConsentStatementPath = (web: Web, userId: string) => web.path(`/console/users/${encodeURIComponent(userId)}/consent-statement`);

function download(bytes: Uint8Array, fileName: string): Reply {
  return { status: 200, body: bytes, headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${fileName}"`, 'cache-control': 'no-store' } };
}

export function consentStatementPageActions(deps: WebDeps): RouteActions<typeof consentStatementPageRoutes> {
  return {
    myConsentStatement: async (request) => {
      const web = new Web(deps, request);
      const result = await web.api.file(signingRoutes, 'getMyConsentStatement');
      if (result.ok) return download(result.bytes, 'surat-pernyataan-data-pribadi.pdf');
      if (result.problem.code === 'UNAUTHENTICATED') return web.toLogin(web.path('/me'));
      return web.fail(result.problem);
    },
    consoleConsentStatement: async (request) => {
      const web = new Web(deps, request);
      const { userId } = request.params;
      const result = await web.api.file(signingRoutes, 'getUserConsentStatement', { params: { userId } });
      if (result.ok) return download(result.bytes, `surat-pernyataan-data-pribadi-${userId.replace(/[^A-Za-z0-9-]/g, '')}.pdf`);
      if (result.problem.code === 'UNAUTHENTICATED') return web.toLogin(web.path(`/console/users/${encodeURIComponent(userId)}`));
      return web.fail(result.problem);
    },
  };
}
