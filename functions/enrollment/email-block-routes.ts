import * as z from 'zod';
import { deliveryStatuses } from '../../shared/domain/delivery.js';
import type { RouteActions } from '../../shared/http/route.js';
import type { enrollmentRoutes } from './routes.js';
import { clearEmailBlock, type EmailBlockDeps } from './use-cases/email-block.js';

/** One e-mail on a user's page: what it was for, its subject and what became of it. */
export const userEmailEntry = z.object({
  purpose: z.string(),
  subject: z.string(),
  status: z.enum(deliveryStatuses),
  at: z.string(),
  detail: z.string().optional(),
});

/** What `GET /v1/users/{userId}` adds about e-mail: the latest messages and whether the address is held. */
export const userEmailFields = {
  emails: z.array(userEmailEntry),
  emailBlocked: z.boolean(),
};

export const emailBlockRoutes = {
  clearEmailBlock: {
    method: 'DELETE',
    path: '/v1/users/{userId}/email-block',
    summary: "Let e-mail flow again to a user's address that marked our mail as spam (audited); a link can then be sent again",
    access: ['VERIFIER'],
    params: z.strictObject({ userId: z.string().min(1).max(64) }),
    responses: {
      200: { description: 'Cleared', schema: z.object({ emailBlocked: z.literal(false) }) },
      404: { description: "USER_NOT_FOUND (also another tenant's user), or EMAIL_NOT_BLOCKED" },
    },
  },
} as const;

type EmailBlockRouteSpecs = Pick<typeof enrollmentRoutes.routes, 'clearEmailBlock'>;

export function emailBlockActions(deps: EmailBlockDeps): RouteActions<EmailBlockRouteSpecs> {
  return {
    clearEmailBlock: async ({ actor, params }) => ({ status: 200, body: await clearEmailBlock(deps, { actor, userId: params.userId }) }),
  };
}
