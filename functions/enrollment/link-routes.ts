import * as z from 'zod';
import { tokenParams } from '../../shared/http/schemas.js';
import type { ResendablePurpose } from './use-cases/resend-link.js';

/** The purposes whose links can be sent again (the pages' forms read this list too). */
export const resendablePurposes = ['activate', 'account-setup', 'enroll'] as const satisfies readonly ResendablePurpose[];

const purposeParams = z.strictObject({ purpose: z.enum(resendablePurposes) });
const problem = { description: 'Problem (application/problem+json)' };

/** Every pending link can be sent again: by the verifier, or by the person from an expired-link page. */
export const linkRoutes = {
  resendLink: {
    method: 'POST',
    path: '/v1/users/{userId}/links/{purpose}',
    summary: 'Send a pending link again (activate, account-setup or enroll); the previous ones of that purpose stop working (410)',
    access: ['VERIFIER'],
    params: purposeParams.extend({ userId: z.string().min(1).max(64) }),
    responses: {
      202: { description: 'Sent', schema: z.object({ purpose: z.enum(resendablePurposes), expiresAt: z.string() }) },
      404: problem,
      409: { description: 'NO_PENDING_STEP: that step is not waiting for the user' },
    },
  },
  renewLink: {
    method: 'POST',
    path: '/v1/links/{purpose}/renewal',
    summary: 'From an expired-link page: a fresh link to the registered address if that step is still pending; the same answer and timing whatever the address',
    access: 'public',
    params: purposeParams,
    body: z.strictObject({ email: z.email().max(254) }),
    responses: {
      202: { description: 'Accepted', schema: z.object({ status: z.literal('ACCEPTED') }) },
      429: { description: 'TOO_MANY_REQUESTS from this client (retryAfterSeconds), whatever the address' },
    },
  },
  getLinkContacts: {
    method: 'GET',
    // Not under /v1/links/: API Gateway allows one variable name per level, and that one is {purpose}.
    path: '/v1/link-contacts/{token}',
    summary: "The verifier contacts of the agency a link was sent for, used or expired alike: the dead link's page says whom to ask",
    access: 'public',
    params: tokenParams,
    responses: {
      200: { description: 'The contacts (possibly none)', schema: z.object({ verifierContacts: z.array(z.object({ name: z.string(), phone: z.string().optional(), email: z.string().optional() })) }) },
      404: { description: 'TOKEN_NOT_FOUND' },
    },
  },
} as const;
