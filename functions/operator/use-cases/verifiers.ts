import type { Actor } from '../../../shared/domain/actor.js';
import { auditEntry } from '../../../shared/audit.js';
import { AppError } from '../../../shared/domain/errors.js';
import { isEmailInDomains } from '../../../shared/domain/user.js';
import { newLink } from '../../../shared/links.js';
import type { MessageComposer } from '../../../shared/outbox.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { TenantRegistry, VerifierSummary } from '../../../shared/ports/tenants.js';
import type { UserRecord } from '../../../shared/ports/users.js';

export interface VerifierDeps {
  registry: Pick<TenantRegistry, 'readTenant' | 'inviteVerifier' | 'listVerifiers'>;
  composer: MessageComposer;
  clock: Clock;
  ids: IdGenerator;
  settings: { webBaseUrl: string };
}

// As long as an approved employee's account-setup link.
const ACCOUNT_SETUP_HOURS = 72;

/**
 * An operator makes a verifier account for a tenant.
 * 1. The tenant exists; the address is in one of its domains (EMAIL_DOMAIN_NOT_ALLOWED otherwise).
 * 2. The verifier starts APPROVED, as an approved employee does, so the same account-setup link
 *    (72 h) and page set the password and the first OTP device; no identity data is asked.
 * 3. One transaction: the user (in the tenant's verifier index, not its employee lists), the
 *    e-mail claim (EMAIL_ALREADY_REGISTERED when taken), the link, the audit entry (the user's
 *    history, and the tenant's trail through its index), and "[TTE] Informasi Akun". A refusal writes nothing.
 */
export async function inviteVerifier(
  deps: VerifierDeps,
  input: { actor: Actor; tenantId: string; fullName: string; email: string },
): Promise<{ userId: string; email: string; status: UserRecord['status']; accountSetupExpiresAt: string }> {
  const tenant = await deps.registry.readTenant(input.tenantId);
  if (!tenant) throw new AppError('TENANT_NOT_FOUND');
  if (!isEmailInDomains(input.email, tenant.emailDomains)) {
    throw new AppError('EMAIL_DOMAIN_NOT_ALLOWED', [], {
      detail: {
        id: `Alamat e-mail verifikator harus alamat dinas ${tenant.name} dengan domain ${tenant.emailDomains.join(', ')}.`,
        en: `The verifier's address must be an official address of ${tenant.name} in ${tenant.emailDomains.join(', ')}.`,
      },
    });
  }

  const now = deps.clock.now();
  const at = now.toISOString();
  const user: UserRecord = {
    userId: deps.ids.newId(),
    tenantId: tenant.tenantId,
    role: 'VERIFIER',
    fullName: input.fullName,
    email: input.email,
    status: 'APPROVED',
    createdAt: at,
    updatedAt: at,
    createdBy: input.actor.actorId,
    version: 1,
  };
  const setup = newLink(deps.settings.webBaseUrl, user, 'account-setup', ACCOUNT_SETUP_HOURS * 3600_000, now);
  const message = await deps.composer.compose('accountInfo', user.email, {
    fullName: user.fullName, username: user.email, expiresAt: setup.token.expiresAt, verifierOf: tenant.name,
  }, { link: setup.link });
  await deps.registry.inviteVerifier({
    user,
    token: setup.token,
    message,
    audit: auditEntry(deps, now, input.actor, 'VERIFIER_INVITED', user, { status: user.status }),
  });
  return { userId: user.userId, email: user.email, status: user.status, accountSetupExpiresAt: setup.token.expiresAt };
}

/** The tenant's verifiers, for an operator or for one of those verifiers; other tenants are unknown. */
export async function listVerifiers(deps: Pick<VerifierDeps, 'registry'>, input: { actor: Actor; tenantId: string }): Promise<VerifierSummary[]> {
  const mayList = input.actor.role === 'OPERATOR' || (input.actor.role === 'VERIFIER' && input.actor.tenantId === input.tenantId);
  if (!mayList || !(await deps.registry.readTenant(input.tenantId))) throw new AppError('TENANT_NOT_FOUND');
  return deps.registry.listVerifiers(input.tenantId);
}
