import type { Actor } from '../../../shared/domain/actor.js';
import { auditEntry, type AuditActor } from '../../../shared/audit.js';
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
 * An operator makes a verifier account for a tenant: the tenant exists, the address is in one of
 * its domains (EMAIL_DOMAIN_NOT_ALLOWED otherwise), then as every staff account (inviteStaff).
 */
export async function inviteVerifier(
  deps: VerifierDeps,
  input: { actor: Actor; tenantId: string; fullName: string; email: string },
): Promise<Invited> {
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

  return inviteStaff(deps, { actor: input.actor, tenantId: tenant.tenantId, role: 'VERIFIER', fullName: input.fullName, email: input.email, verifierOf: tenant.name });
}

/** The service team's own "tenant": operators belong to it; it owns no domain and no employees. */
export const PLATFORM_TENANT_ID = 'platform';

/**
 * Whoever deploys the service makes its operators: the first one cannot be made by an operator.
 * It is not an HTTP route but a task invoked on the operator function (IAM decides who may), so
 * it reaches no one on the internet. The operator then sets a password and an authenticator
 * through the same account-setup link as a verifier.
 */
export async function inviteOperator(
  deps: Omit<VerifierDeps, 'registry'> & { registry: Pick<TenantRegistry, 'inviteVerifier'> },
  input: { actor: AuditActor; fullName: string; email: string },
): Promise<Invited> {
  return inviteStaff(deps, { ...input, tenantId: PLATFORM_TENANT_ID, role: 'OPERATOR' });
}

type Invited = { userId: string; email: string; status: UserRecord['status']; accountSetupExpiresAt: string };

/**
 * A staff account (a verifier, an operator): it starts APPROVED, as an approved employee does, so
 * the same account-setup link (72 h) and page set the password and the first OTP device; no
 * identity data is asked. One transaction: the user (in the tenant's verifier index, or in no
 * index for an operator), the e-mail claim (EMAIL_ALREADY_REGISTERED when taken), the link, the
 * audit entry and "[TTE] Informasi Akun". A refusal writes nothing.
 */
async function inviteStaff(
  deps: Omit<VerifierDeps, 'registry'> & { registry: Pick<TenantRegistry, 'inviteVerifier'> },
  input: { actor: AuditActor; tenantId: string; role: 'VERIFIER' | 'OPERATOR'; fullName: string; email: string; verifierOf?: string },
): Promise<Invited> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const user: UserRecord = {
    userId: deps.ids.newId(),
    tenantId: input.tenantId,
    role: input.role,
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
    fullName: user.fullName, username: user.email, expiresAt: setup.token.expiresAt, ...(input.verifierOf ? { verifierOf: input.verifierOf } : {}),
  }, { link: setup.link });
  await deps.registry.inviteVerifier({
    user,
    token: setup.token,
    message,
    audit: auditEntry(deps, now, input.actor, input.role === 'OPERATOR' ? 'OPERATOR_INVITED' : 'VERIFIER_INVITED', user, { status: user.status }),
  });
  return { userId: user.userId, email: user.email, status: user.status, accountSetupExpiresAt: setup.token.expiresAt };
}

/** The tenant's verifiers, for an operator or for one of those verifiers; other tenants are unknown. */
export async function listVerifiers(deps: Pick<VerifierDeps, 'registry'>, input: { actor: Actor; tenantId: string }): Promise<VerifierSummary[]> {
  const mayList = input.actor.role === 'OPERATOR' || (input.actor.role === 'VERIFIER' && input.actor.tenantId === input.tenantId);
  if (!mayList || !(await deps.registry.readTenant(input.tenantId))) throw new AppError('TENANT_NOT_FOUND');
  return deps.registry.listVerifiers(input.tenantId);
}
