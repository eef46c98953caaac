import { AppError } from '../../../shared/domain/errors.js';
import { consoleUserUrl } from '../../../shared/domain/console-urls.js';
import { noticesToVerifiers } from '../../../shared/verifier-notices.js';
import type { OutboxMessage } from '../../../shared/ports/outbox.js';
import type { Tenant, TenantDirectory } from '../../../shared/ports/tenants.js';
import { takeOrRefuse } from '../../../shared/rate-limits.js';
import { isSuspended } from '../../../shared/domain/tenants.js';
import { emailDomain } from '../../../shared/domain/user.js';
import type { DomainOwners } from '../../../shared/ports/domain-owners.js';
import type { RateLimit, RateLimiter } from '../../../shared/ports/rate-limiter.js';
import { holdUntilFloor } from '../../accounts/use-cases/guards.js';
import { SELF_APPLICATION_ACTOR, type Actor } from '../../../shared/domain/actor.js';
import { auditEntry } from '../../../shared/audit.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { UserDirectory, UserRecord } from '../../../shared/ports/users.js';
import { registerPerson, type RegisterUserDeps } from './register-user.js';

/** Rate-limit scopes of self-applications: one counts per client, the other per address. */
export const APPLICATION_CLIENT_SCOPE = 'application-client';
export const APPLICATION_ADDRESS_SCOPE = 'application-address';
/** The verifiers are told of held applications, up to a limit per tenant (a flood mails them a few times, not a thousand). */
const HELD_NOTICE_SCOPE = 'application-held-notice';

export interface ApplicationLimits {
  /** Per client IP: beyond it, 429 (it tells the client about itself, nothing about any address). */
  perClient: RateLimit;
  /** Per address: beyond it the same 202 and nothing done, so a flood mails no one. */
  perAddress: RateLimit;
  /** Per tenant: held applications its verifiers are e-mailed about; beyond it they are only listed in the console. */
  heldNoticesPerTenant: RateLimit;
}

export const defaultApplicationLimits: ApplicationLimits = {
  perClient: { limit: 20, windowSeconds: 3600 },
  perAddress: { limit: 3, windowSeconds: 3600 },
  heldNoticesPerTenant: { limit: 10, windowSeconds: 3600 },
};

export interface ApplyDeps extends RegisterUserDeps {
  tenants: RegisterUserDeps['tenants'] & Pick<TenantDirectory, 'listVerifierEmails'>;
  domains: DomainOwners;
  rateLimiter: RateLimiter;
  limits: ApplicationLimits;
  settings: RegisterUserDeps['settings'] & { publicRequestFloorMs: number };
}

/**
 * A person applies for an account with their official address. The answer (nothing) and its
 * timing are the same whatever the address: unknown domain, closed tenant, already registered.
 * 1. The client's window: spent → TOO_MANY_REQUESTS.
 * 2. The address's window: spent → nothing more is done.
 * 3. The tenant owning the address's domain, active and with self-application OPEN or REVIEW;
 *    otherwise nothing is done.
 * 4. The person is registered as a verifier would register them, the NIP kept for the employment
 *    step. OPEN: the "[TTE] Aktivasi Akun" link goes out in the same transaction. REVIEW: no mail
 *    to the applicant until a verifier confirms; the tenant's verifiers are told in the same
 *    transaction (a few times an hour per tenant at most; the console lists every one). An
 *    address already registered writes nothing.
 * 5. However it ended, the answer waits for the public request floor.
 */
export async function applyForAccount(deps: ApplyDeps, input: { fullName: string; email: string; nip?: string; clientKey: string }): Promise<void> {
  await takeOrRefuse(deps.rateLimiter, APPLICATION_CLIENT_SCOPE, input.clientKey, deps.limits.perClient);
  const started = Date.now();
  try {
    const address = await deps.rateLimiter.take(APPLICATION_ADDRESS_SCOPE, input.email, deps.limits.perAddress);
    if (!address.allowed) return;
    const tenantId = await deps.domains.ownerOf(emailDomain(input.email));
    const tenant = tenantId ? await deps.tenants.findTenant(tenantId) : undefined;
    const mode = tenant?.selfApplication ?? 'CLOSED';
    if (!tenant || isSuspended(tenant) || mode === 'CLOSED') return;
    await registerPerson(deps, {
      actor: { actorId: SELF_APPLICATION_ACTOR, role: 'USER', tenantId: tenant.tenantId },
      fullName: input.fullName,
      email: input.email,
      ...(input.nip ? { employmentPrefill: { nip: input.nip } } : {}),
      selfApplication: mode === 'REVIEW' ? { holdLink: true, notices: (user) => heldNotices(deps, tenant, user) } : { holdLink: false },
    });
  } catch (error) {
    // Telling "already registered" apart is exactly what the answer must not do.
    if (!(error instanceof AppError && error.code === 'EMAIL_ALREADY_REGISTERED')) throw error;
  } finally {
    await holdUntilFloor(started, deps.settings.publicRequestFloorMs);
  }
}

/** "[TTE] Pengajuan Mandiri Menunggu Persetujuan" to each of the tenant's verifiers, while the tenant's notices last. */
async function heldNotices(deps: ApplyDeps, tenant: Tenant, user: UserRecord): Promise<OutboxMessage[]> {
  if (!(await deps.rateLimiter.take(HELD_NOTICE_SCOPE, tenant.tenantId, deps.limits.heldNoticesPerTenant)).allowed) return [];
  return noticesToVerifiers(deps, tenant.tenantId, 'selfApplicationHeld', {
    applicantName: user.fullName, applicantEmail: user.email, tenantName: tenant.name, reviewUrl: consoleUserUrl(deps.settings.webBaseUrl, user.userId),
  });
}

/** The user's self-application without its hold, for the change that sends its first link. */
export function confirmedApplication(user: UserRecord): Pick<UserRecord, 'selfApplication'> {
  if (!user.selfApplication?.awaitingConfirmation) return {};
  const { awaitingConfirmation: _held, ...rest } = user.selfApplication;
  return { selfApplication: rest };
}

/**
 * A verifier turns down a self-application held for confirmation ("Tolak"): the user becomes
 * REJECTED and gives up the address (it may apply or be registered again). The person is told
 * nothing: they were never sent anything, and anyone may have typed their address.
 */
export async function rejectHeldApplication(
  deps: { users: Pick<UserDirectory, 'commitUserChange'>; clock: Clock; ids: IdGenerator },
  user: UserRecord,
  input: { actor: Actor; reason?: string },
): Promise<'REJECTED'> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { activationTokenHash: _none, ...rest } = user;
  await deps.users.commitUserChange({
    user: {
      ...rest,
      ...confirmedApplication(user),
      status: 'REJECTED',
      decision: { decision: 'REJECT', ...(input.reason ? { reason: input.reason } : {}), actorId: input.actor.actorId, at },
      updatedAt: at,
      version: user.version + 1,
    },
    fromStatuses: ['INVITED'],
    releaseClaims: { email: user.email },
    audit: auditEntry(deps, now, input.actor, 'APPLICATION_REJECTED', user, { status: 'REJECTED', ...(input.reason ? { reason: input.reason } : {}) }),
  });
  return 'REJECTED';
}
