import { AppError } from '../../../shared/domain/errors.js';
import { isEmailInDomains } from '../../../shared/domain/user.js';
import type { Actor } from '../../../shared/domain/actor.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';
import type { EmploymentPrefill, UserDirectory, UserRecord } from '../../../shared/ports/users.js';
import type { RequestLetterStore } from '../../../shared/ports/request-letters.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { MessageComposer } from '../../../shared/outbox.js';
import type { OutboxMessage } from '../../../shared/ports/outbox.js';
import { newActivationLink, type ActivationLinkSettings } from './activation-link.js';
import { auditEntry } from '../../../shared/audit.js';
import { findTenantLetter, noLetters } from './request-letters.js';

export interface RegisterUserDeps {
  tenants: Pick<TenantDirectory, 'findTenant'>;
  users: Pick<UserDirectory, 'register'>;
  composer: MessageComposer;
  clock: Clock;
  ids: IdGenerator;
  settings: ActivationLinkSettings;
}

/**
 * A verifier's registration may name the agency's request letter, which must be their tenant's.
 * Without a letter store (callers that file no letters) every letter named is unknown.
 */
export interface RegisterWithLetterDeps extends RegisterUserDeps {
  letters?: Pick<RequestLetterStore, 'findLetter'>;
}

export interface RegisterUserInput {
  actor: Actor;
  fullName: string;
  email: string;
  phone?: string;
  /** The person applied on their own: whether the link waits for a verifier's confirmation (nothing is sent then). */
  selfApplication?: {
    holdLink: boolean;
    /** Mail to others about the held application, written with it (its verifiers are told). */
    notices?: (user: UserRecord) => Promise<OutboxMessage[]>;
  };
  /** The request letter filed with the registration, already found to be the actor's tenant's. */
  requestLetterId?: string;
  /** Employment details from the agency's list, to prefill the employment step. */
  employmentPrefill?: EmploymentPrefill;
}

/**
 * A verifier registers an employee of their own agency.
 * 1. The e-mail must be in one of the tenant's official domains.
 * 2. A 24-hour activation link is made; its token is only stored hashed.
 * 3. User, e-mail claim, token, audit entry, e-mail and usage count are written in one
 *    transaction: a duplicate e-mail (even a concurrent one) writes nothing at all.
 */
export async function registerUser(
  deps: RegisterWithLetterDeps,
  input: Omit<RegisterUserInput, 'selfApplication' | 'requestLetterId'> & { letterId?: string },
) {
  const { letterId, ...person } = input;
  // Another tenant's letter, or none: LETTER_NOT_FOUND before anything is written.
  const letter = letterId === undefined ? undefined : await findTenantLetter(deps.letters ?? noLetters, input.actor, letterId);
  const { user, activationExpiresAt } = await registerPerson(deps, { ...person, ...(letter ? { requestLetterId: letter.letterId } : {}) });
  return { userId: user.userId, status: user.status, activationExpiresAt: activationExpiresAt! };
}

/** Registers a person as `registerUser` describes; a self-application may hold the link back. */
export async function registerPerson(deps: RegisterUserDeps, input: RegisterUserInput): Promise<{ user: UserRecord; activationExpiresAt?: string }> {
  const tenant = await deps.tenants.findTenant(input.actor.tenantId);
  if (!tenant) throw new AppError('FORBIDDEN');
  if (!isEmailInDomains(input.email, tenant.emailDomains)) {
    throw new AppError('EMAIL_DOMAIN_NOT_ALLOWED', [], {
      detail: {
        id: `Gunakan alamat e-mail dinas dengan domain ${tenant.emailDomains.join(', ')}.`,
        en: `Use an official e-mail address in ${tenant.emailDomains.join(', ')}.`,
      },
    });
  }

  const now = deps.clock.now();
  const at = now.toISOString();
  const userId = deps.ids.newId();
  const draft = { userId, tenantId: tenant.tenantId, fullName: input.fullName, email: input.email };
  const link = input.selfApplication?.holdLink ? undefined : await newActivationLink(deps.composer, deps.settings, draft, tenant.name, now);
  const user: UserRecord = {
    ...draft,
    role: 'USER',
    ...(input.phone ? { phone: input.phone } : {}),
    status: 'INVITED',
    createdAt: at,
    updatedAt: at,
    createdBy: input.actor.actorId,
    ...(link ? { activationTokenHash: link.token.tokenHash, activationExpiresAt: link.token.expiresAt } : {}),
    version: 1,
    ...(input.requestLetterId ? { requestLetterId: input.requestLetterId } : {}),
    ...(input.employmentPrefill && Object.keys(input.employmentPrefill).length > 0 ? { employmentPrefill: input.employmentPrefill } : {}),
    ...(input.selfApplication ? {
      selfApplication: { appliedAt: at, ...(link ? {} : { awaitingConfirmation: true as const }) },
    } : {}),
  };
  const notices = link ? [] : await input.selfApplication?.notices?.(user) ?? [];
  await deps.users.register({
    user,
    ...(link ? { token: link.token, message: link.message } : {}),
    ...(notices.length > 0 ? { notices } : {}),
    audit: auditEntry(deps, now, input.actor, 'USER_REGISTERED', user, { status: 'INVITED' }),
  });
  return { user, activationExpiresAt: link?.token.expiresAt };
}
