import type { Actor } from '../../../shared/domain/actor.js';
import { takeOrRefuse } from '../../../shared/rate-limits.js';
import { hasEnded } from '../../../shared/domain/certificates.js';
import { AppError } from '../../../shared/domain/errors.js';
import { normaliseEmail, type UserStatus } from '../../../shared/domain/user.js';
import type { MessageComposer } from '../../../shared/outbox.js';
import type { CertificateStore } from '../../../shared/ports/certificates.js';
import type { LinkTokenRecord } from '../../../shared/ports/links.js';
import type { OutboxMessage } from '../../../shared/ports/outbox.js';
import type { RateLimit, RateLimiter } from '../../../shared/ports/rate-limiter.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';
import type { VerifierContact } from '../../../shared/domain/tenants.js';
import { hashToken, isWellFormedToken } from '../../../shared/domain/tokens.js';
import type { UserDirectory, UserRecord } from '../../../shared/ports/users.js';
import { auditEntry, type AuditActor } from '../../../shared/audit.js';
import { findTenantUser } from '../../../shared/tenant-users.js';
import { newCertificateLink } from '../../certificates/use-cases/certificate-links.js';
import { holdUntilFloor } from '../../accounts/use-cases/guards.js';
import { newActivationLink, type ActivationLinkSettings } from './activation-link.js';
import { confirmedApplication } from './apply.js';
import { newAccountSetupLink } from './review.js';

/** The links a verifier may send again, and a person may ask for again from an expired-link page. */
export type ResendablePurpose = 'activate' | 'account-setup' | 'enroll';

export interface ResendLinkDeps {
  tenants: Pick<TenantDirectory, 'findTenant'>;
  users: Pick<UserDirectory, 'findUser' | 'findToken' | 'commitUserChange'>;
  /** Whether a set-passphrase step is pending: the person holds no live certificate. */
  certificates: Pick<CertificateStore, 'findSigningKey' | 'findCertificate' | 'listUserCertificates'>;
  composer: MessageComposer;
  clock: Clock;
  ids: IdGenerator;
  settings: ActivationLinkSettings;
}

export interface RenewLinkDeps extends ResendLinkDeps {
  users: ResendLinkDeps['users'] & Pick<UserDirectory, 'findUserIdByEmail'>;
  rateLimiter: RateLimiter;
  settings: ResendLinkDeps['settings'] & {
    publicRequestFloorMs: number;
    /** Requests of one client (IP) for any address; beyond it 429. */
    linkRenewalClientLimit: RateLimit;
  };
}

/** One office often shares one address: generous per client; the per-address limit is the tight one. */
export const LINK_RENEWAL_CLIENT_LIMIT: RateLimit = { limit: 30, windowSeconds: 3600 };
/** Renewals for one address: a person needs one, a few cover a lost e-mail; more is a flood. */
export const RENEWALS_PER_ADDRESS: RateLimit = { limit: 3, windowSeconds: 3600 };
const CLIENT_SCOPE = 'link-renewal-client';
const ADDRESS_SCOPE = 'link-renewal-address';

const activating: readonly UserStatus[] = ['INVITED', 'ACTIVATING'];
const settingUp: readonly UserStatus[] = ['APPROVED'];
const certifiable: readonly UserStatus[] = ['APPROVED', 'ACTIVE'];

const auditActions: Record<ResendablePurpose, string> = {
  activate: 'ACTIVATION_LINK_RESENT',
  'account-setup': 'ACCOUNT_SETUP_LINK_RESENT',
  enroll: 'ENROLL_LINK_RESENT',
};

/** What sending a purpose's link again changes: the new token, its e-mail, and the user's record. */
interface FreshLink {
  token: LinkTokenRecord;
  message: OutboxMessage;
  /** Tokens changed besides the new one (the replaced activation token, revoked). */
  revoked: LinkTokenRecord[];
  user: UserRecord;
  fromStatuses: readonly UserStatus[];
}

/**
 * A purpose's link made again, if that step is pending for the user; else undefined. Each link is
 * made by the function that makes it the first time (registration, approval, a new certificate).
 */
async function freshLink(deps: ResendLinkDeps, user: UserRecord, purpose: ResendablePurpose, now: Date): Promise<FreshLink | undefined> {
  const at = now.toISOString();
  if (purpose === 'activate') {
    if (!activating.includes(user.status)) return undefined;
    const tenant = await deps.tenants.findTenant(user.tenantId);
    if (!tenant) return undefined;
    const previous = user.activationTokenHash ? await deps.users.findToken(user.activationTokenHash) : undefined;
    const { token, message } = await newActivationLink(deps.composer, deps.settings, user, tenant.name, now);
    return {
      token, message, revoked: previous ? [{ ...previous, revokedAt: at }] : [], fromStatuses: activating,
      // A verifier's resend of a held self-application is its confirmation.
      user: { ...user, activationTokenHash: token.tokenHash, activationExpiresAt: token.expiresAt, ...confirmedApplication(user) },
    };
  }
  let made: { token: LinkTokenRecord; message: OutboxMessage };
  let fromStatuses: readonly UserStatus[];
  if (purpose === 'account-setup') {
    if (!settingUp.includes(user.status)) return undefined;
    made = await newAccountSetupLink(deps, user, now);
    fromStatuses = settingUp;
  } else {
    if (!certifiable.includes(user.status)) return undefined;
    const key = await deps.certificates.findSigningKey(user.userId);
    const current = key && (await deps.certificates.findCertificate(key.serialNumber));
    // As a new-certificate request: a certificate past its end counts as gone.
    if (current && !hasEnded(current.notAfter, now)) return undefined;
    const first = !key && (await deps.certificates.listUserCertificates(user.userId)).length === 0;
    made = await newCertificateLink(deps, user, user.email, now, first ? 'FIRST' : 'NEW_REQUEST');
    fromStatuses = certifiable;
  }
  // The earlier links of this purpose are not listed anywhere; the user's record says which one still counts.
  return {
    ...made, revoked: [], fromStatuses,
    user: { ...user, linksReplaced: { ...user.linksReplaced, [purpose]: { at, keep: made.token.tokenHash } } },
  };
}

/** One transaction: the new token (and a revoked one), the user's version up, audit, e-mail. */
async function commitFreshLink(deps: ResendLinkDeps, link: FreshLink, actor: AuditActor, purpose: ResendablePurpose, now: Date, before: UserRecord) {
  await deps.users.commitUserChange({
    user: { ...link.user, updatedAt: now.toISOString(), version: before.version + 1 },
    tokens: [link.token, ...link.revoked],
    messages: [link.message],
    fromStatuses: link.fromStatuses,
    audit: auditEntry(deps, now, actor, auditActions[purpose], before),
  });
}

/**
 * A verifier sends a user a pending link again (it expired, or the e-mail got lost).
 * 1. Only a user of the verifier's tenant, and only while that step waits for them: else
 *    NO_PENDING_STEP (an active user's activation, a certificate already issued).
 * 2. The new link and the end of the previous ones of that purpose are one change of the user,
 *    guarded by its version: two resends at once cannot both leave a working link.
 */
export async function resendLink(deps: ResendLinkDeps, input: { actor: Actor; userId: string; purpose: ResendablePurpose }) {
  const user = await findTenantUser(deps.users, input.actor, input.userId);
  const now = deps.clock.now();
  const link = await freshLink(deps, user, input.purpose, now);
  if (!link) throw new AppError('NO_PENDING_STEP');
  await commitFreshLink(deps, link, input.actor, input.purpose, now, user);
  return { purpose: input.purpose, expiresAt: link.token.expiresAt };
}

/**
 * From an expired-link page: "send me a new link" for an address.
 * 1. The client's requests are counted first, whatever the address (TOO_MANY_REQUESTS past the
 *    limit says nothing about any address); then the address's, silently.
 * 2. A link goes only to the address the account holds, only while that step is pending; the
 *    earlier links of the purpose stop working, as when a verifier resends.
 * 3. Same answer, and no sooner than the floor, whether or not anything was sent.
 */
export async function renewLink(deps: RenewLinkDeps, input: { purpose: ResendablePurpose; email: string; clientKey: string }): Promise<void> {
  const started = Date.now();
  try {
    await takeOrRefuse(deps.rateLimiter, CLIENT_SCOPE, input.clientKey, deps.settings.linkRenewalClientLimit);
    const email = normaliseEmail(input.email);
    if (!(await deps.rateLimiter.take(ADDRESS_SCOPE, email, RENEWALS_PER_ADDRESS)).allowed) return;
    const userId = await deps.users.findUserIdByEmail(email);
    const user = userId ? await deps.users.findUser(userId) : undefined;
    // A held self-application waits for its verifier: asking again must not send the link past them.
    if (!user || user.role !== 'USER' || user.selfApplication?.awaitingConfirmation) return;
    const now = deps.clock.now();
    const link = await freshLink(deps, user, input.purpose, now);
    if (!link) return;
    await commitFreshLink(deps, link, { actorId: user.userId, role: user.role }, input.purpose, now, user).catch((error: unknown) => {
      // A request racing this one for the same person sent the link already.
      if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error;
    });
  } finally {
    await holdUntilFloor(started, deps.settings.publicRequestFloorMs);
  }
}

/**
 * The verifier contacts of the agency a link was sent for, whatever became of the link (used,
 * expired, replaced): the page of a dead link says whom to ask. Holding the link proves the
 * e-mail reached its reader; the contacts are what the agency publishes to its people anyway.
 */
export async function linkContacts(
  deps: { users: Pick<UserDirectory, 'findToken'>; tenants: Pick<TenantDirectory, 'findTenant'> },
  rawToken: string,
): Promise<{ verifierContacts: VerifierContact[] }> {
  const token = isWellFormedToken(rawToken) ? await deps.users.findToken(hashToken(rawToken)) : undefined;
  if (!token) throw new AppError('TOKEN_NOT_FOUND');
  const tenant = await deps.tenants.findTenant(token.tenantId);
  return { verifierContacts: [...(tenant?.verifierContacts ?? [])] };
}
