import { comparableName, nikSealingContext } from '../../../shared/domain/identity.js';
import { noticesToVerifiers } from '../../../shared/verifier-notices.js';
import { consoleUserUrl } from '../../../shared/domain/console-urls.js';
import { AppError } from '../../../shared/domain/errors.js';
import { newLink } from '../../../shared/links.js';
import { auditEntry } from '../../../shared/audit.js';
import type { UserStatus } from '../../../shared/domain/user.js';
import type { MessageComposer } from '../../../shared/outbox.js';
import type { AuditEntry, ScreeningResult, UserChange, UserDirectory, UserRecord } from '../../../shared/ports/users.js';
import type { Tenant, TenantDirectory } from '../../../shared/ports/tenants.js';
import { comparableAgency } from '../../../shared/domain/tenants.js';
import type { OutboxMessage } from '../../../shared/ports/outbox.js';
import type { LinkTokenRecord } from '../../../shared/ports/links.js';
import type { CivilServiceRecord, CivilServiceRegistry } from '../../../shared/ports/registry.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { Sealer } from '../../../shared/ports/sealer.js';

/**
 * What happens to a submitted application: screening, review, and its outcome. The approval
 * workflow runs these as its tasks; a verifier's decision runs approve/reject directly. Every
 * step is a conditional change of the user, so a step repeated (a retried task, a decision and
 * the workflow's own step after it) changes nothing the second time and sends no second e-mail.
 */
export interface ReviewDeps {
  users: Pick<UserDirectory, 'findUser' | 'commitUserChange'>;
  tenants: Pick<TenantDirectory, 'findTenant' | 'listVerifierEmails'>;
  composer: MessageComposer;
  clock: Clock;
  ids: IdGenerator;
  settings: { webBaseUrl: string };
}

/** Who moves an application on: the workflow itself, or a verifier deciding. */
export interface ReviewActor {
  actorId: string;
  actorRole: AuditEntry['actorRole'];
}

export const workflowActor: ReviewActor = { actorId: 'approval-workflow', actorRole: 'SYSTEM' };

const auditActor = (actor: ReviewActor) => ({ actorId: actor.actorId, role: actor.actorRole });

// How long the links sent on approval stay valid.
const ACCOUNT_SETUP_HOURS = 72;
const ENROLL_HOURS = 7 * 24;

async function loadUser(deps: Pick<ReviewDeps, 'users'>, userId: string): Promise<UserRecord> {
  const user = await deps.users.findUser(userId);
  if (!user) throw new AppError('USER_NOT_FOUND');
  return user;
}

/**
 * Moves the user from one of `from` to `to` with its audit entry and whatever else the change
 * carries, conditional on the version read. Callers first leave alone a user the step already
 * moved (a repeated workflow task); any other status, or a change meanwhile, is NOT_AWAITING_REVIEW.
 */
async function transition(
  deps: ReviewDeps,
  user: UserRecord,
  from: readonly UserStatus[],
  to: UserStatus,
  actor: ReviewActor,
  action: string,
  extra: Omit<UserChange, 'user' | 'audit' | 'fromStatuses'> & { changes?: Partial<UserRecord>; reason?: string } = {},
): Promise<void> {
  if (!from.includes(user.status)) throw new AppError('NOT_AWAITING_REVIEW');
  const now = deps.clock.now();
  const at = now.toISOString();
  const { changes = {}, reason, ...rest } = extra;
  await deps.users.commitUserChange({
    user: { ...user, ...changes, status: to, updatedAt: at, version: user.version + 1 },
    fromStatuses: from,
    audit: auditEntry(deps, now, auditActor(actor), action, user, { status: to, ...(reason ? { reason } : {}) }),
    ...rest,
  }).catch((error: unknown) => {
    throw error instanceof AppError && error.code === 'CONFLICT' ? new AppError('NOT_AWAITING_REVIEW') : error;
  });
}

/**
 * The record's agency against the tenant's: NIP, NIK and name are no secrets, so without this
 * anyone with an address in the tenant's domains could enrol a civil servant of another agency.
 * A tenant that names no agency has every match looked at by a verifier.
 */
function agencyMismatch(tenant: Tenant | undefined, record: CivilServiceRecord): string[] {
  const source = record.employmentType === 'ASN' ? 'BKN' : 'SIPP';
  const agencies = (tenant?.registryAgencies ?? []).map(comparableAgency);
  if (agencies.length === 0) return [`Instansi di data ${source} (${record.agency}) belum dapat dicocokkan: operator belum mengatur nama instansi ini di data kepegawaian`];
  return agencies.includes(comparableAgency(record.agency)) ? [] : [`Instansi di data ${source} berbeda: ${record.agency}`];
}

/**
 * Screening: an ASN is looked up by NIP, a Polri officer by NRP. A match needs the number
 * found, the NIK equal, the names equal after normalisation and the record's agency one of the
 * tenant's (a self-application too: a REVIEW tenant's verifier has already confirmed the applicant
 * before the link went out). Anything else goes to a verifier, with what did not match. Registry failures propagate (the workflow
 * retries, then falls back).
 */
export async function screenApplicant(
  deps: Pick<ReviewDeps, 'users' | 'clock' | 'ids'> & { registry: CivilServiceRegistry; sealer: Sealer; tenants: Pick<TenantDirectory, 'findTenant'> },
  userId: string,
): Promise<ScreeningResult> {
  const user = await loadUser(deps, userId);
  const checkedAt = deps.clock.now().toISOString();
  const employment = user.employment;
  const number = employment?.employmentType === 'ASN' ? employment.nip : employment?.employmentType === 'POLRI' ? employment.nrp : undefined;
  let result: ScreeningResult;
  if (!employment || employment.employmentType === 'OTHER' || !number || !user.identity) {
    result = { outcome: 'NOT_APPLICABLE', checkedAt };
  } else {
    const record = await deps.registry.find(employment.employmentType, number);
    if (!record) {
      result = { outcome: 'NO_MATCH', checkedAt, mismatches: [employment.employmentType === 'ASN' ? 'NIP tidak ditemukan' : 'NRP tidak ditemukan'] };
    } else {
      const nik = await deps.sealer.open(user.identity.nikSealed, nikSealingContext(user.userId));
      const tenant = await deps.tenants.findTenant(user.tenantId);
      const mismatches = [
        ...(record.nik === nik ? [] : ['NIK berbeda dengan data kepegawaian']),
        ...(comparableName(record.fullName) === comparableName(user.identity.fullName) ? [] : ['Nama berbeda dengan data kepegawaian']),
        ...agencyMismatch(tenant, record),
      ];
      result = {
        outcome: mismatches.length === 0 ? 'MATCH' : 'NO_MATCH',
        checkedAt,
        ...(mismatches.length ? { mismatches } : {}),
        registry: { fullName: record.fullName, position: record.position, unitName: record.unitName, agency: record.agency },
      };
    }
  }
  await deps.users.commitUserChange({
    user: { ...user, screening: result, updatedAt: checkedAt, version: user.version + 1 },
    fromStatuses: ['SUBMITTED'],
    audit: auditEntry(deps, new Date(checkedAt), auditActor(workflowActor), `SCREENED_${result.outcome}`, user),
  });
  return result;
}

/**
 * The application waits for a verifier: the task token is kept on the user (a decision resumes
 * the workflow with it) and the tenant's verifiers are told by e-mail.
 */
export async function awaitReview(deps: ReviewDeps, userId: string, taskToken: string, registryFailed: boolean) {
  const user = await loadUser(deps, userId);
  const at = deps.clock.now().toISOString();
  if (user.status === 'AWAITING_REVIEW') {
    // A resumed or restarted execution: the verifiers were told already; only the token is new.
    if (user.reviewTaskToken === taskToken) return;
    await deps.users.commitUserChange({
      user: { ...user, reviewTaskToken: taskToken, updatedAt: at, version: user.version + 1 },
      fromStatuses: ['AWAITING_REVIEW'],
      audit: auditEntry(deps, new Date(at), auditActor(workflowActor), 'REVIEW_RESUMED', user),
    });
    return;
  }
  if (user.status !== 'SUBMITTED') return; // decided meanwhile: nothing to wait for
  const tenant = await deps.tenants.findTenant(user.tenantId);
  const screening: ScreeningResult = registryFailed
    ? { outcome: 'REGISTRY_UNAVAILABLE', checkedAt: at }
    : user.screening ?? { outcome: 'NOT_APPLICABLE', checkedAt: at };
  const summary = {
    MATCH: 'cocok dengan data kepegawaian',
    NO_MATCH: `tidak cocok (${(screening.mismatches ?? []).join('; ')})`,
    NOT_APPLICABLE: 'bukan ASN/Polri, perlu pemeriksaan verifikator',
    REGISTRY_UNAVAILABLE: 'data kepegawaian tidak dapat dihubungi, perlu pemeriksaan verifikator',
  }[screening.outcome];
  const messages = await noticesToVerifiers(deps, user.tenantId, 'reviewRequested', {
    applicantName: user.identity?.fullName ?? user.fullName,
    tenantName: tenant?.name ?? '',
    employmentType: user.employment?.employmentType ?? '-',
    screening: summary,
    reviewUrl: consoleUserUrl(deps.settings.webBaseUrl, user.userId),
  });
  await transition(deps, user, ['SUBMITTED'], 'AWAITING_REVIEW', workflowActor, 'REVIEW_REQUESTED', {
    changes: { reviewTaskToken: taskToken, screening },
    messages,
  });
}

/** An account-setup link (72 h) and its "[TTE] Informasi Akun" e-mail: sent on approval, and again on request. */
export async function newAccountSetupLink(
  deps: Pick<ReviewDeps, 'composer' | 'settings'>,
  user: UserRecord,
  now: Date,
): Promise<{ token: LinkTokenRecord; message: OutboxMessage }> {
  const { token, link } = newLink(deps.settings.webBaseUrl, user, 'account-setup', ACCOUNT_SETUP_HOURS * 3600_000, now);
  const fullName = user.identity?.fullName ?? user.fullName;
  return { token, message: await deps.composer.compose('accountInfo', user.email, { fullName, username: user.email, expiresAt: token.expiresAt }, { link }) };
}

/** Approved: "[TTE] Informasi Akun" (account-setup link, 72 h) and "[TTE] Set Passphrase" (enroll link, 7 days). */
export async function approveApplicant(deps: ReviewDeps, userId: string, actor: ReviewActor = workflowActor): Promise<UserStatus> {
  const user = await loadUser(deps, userId);
  if (user.status === 'APPROVED' && actor === workflowActor) return user.status;
  const now = deps.clock.now();
  const setup = await newAccountSetupLink(deps, user, now);
  const enroll = newLink(deps.settings.webBaseUrl, user, 'enroll', ENROLL_HOURS * 3600_000, now);
  const fullName = user.identity?.fullName ?? user.fullName;
  const messages: OutboxMessage[] = [
    setup.message,
    await deps.composer.compose('setPassphrase', user.email, { fullName, expiresAt: enroll.token.expiresAt, kind: 'FIRST' }, { link: enroll.link }),
  ];
  await transition(deps, user, ['SUBMITTED', 'AWAITING_REVIEW'], 'APPROVED', actor, 'APPLICATION_APPROVED', {
    changes: { reviewTaskToken: undefined, ...(actor === workflowActor ? {} : { decision: { decision: 'APPROVE', actorId: actor.actorId, at: deps.clock.now().toISOString() } }) },
    tokens: [setup.token, enroll.token],
    messages,
    usage: { tenantId: user.tenantId, event: 'USER_APPROVED', at: now.toISOString() },
  });
  return 'APPROVED';
}

/**
 * Rejected, with the reason, by e-mail ("[TTE] Pendaftaran Ditolak"). The e-mail and NIK claims
 * are released so the verifier can register the person again.
 */
export async function rejectApplicant(deps: ReviewDeps, userId: string, reason: string, actor: ReviewActor = workflowActor): Promise<UserStatus> {
  const user = await loadUser(deps, userId);
  if (user.status === 'REJECTED' && actor === workflowActor) return user.status;
  const tenant = await deps.tenants.findTenant(user.tenantId);
  const message = await deps.composer.compose('applicationRejected', user.email,
    { fullName: user.identity?.fullName ?? user.fullName, tenantName: tenant?.name ?? '', reason }, {});
  await transition(deps, user, ['AWAITING_REVIEW'], 'REJECTED', actor, 'APPLICATION_REJECTED', {
    changes: { reviewTaskToken: undefined, decision: { decision: 'REJECT', reason, actorId: actor.actorId, at: deps.clock.now().toISOString() } },
    reason,
    messages: [message],
    releaseClaims: { email: user.email, ...(user.identity ? { nikIndex: user.identity.nikIndex } : {}) },
    closesApplication: true,
  });
  return 'REJECTED';
}

/** Nobody decided in time: EXPIRED, the applicant is told, and may be registered again. */
export async function expireApplication(deps: ReviewDeps, userId: string): Promise<void> {
  const user = await loadUser(deps, userId);
  if (user.status !== 'AWAITING_REVIEW') return;
  const tenant = await deps.tenants.findTenant(user.tenantId);
  const message = await deps.composer.compose('applicationExpired', user.email, { fullName: user.identity?.fullName ?? user.fullName, tenantName: tenant?.name ?? '' }, {});
  await transition(deps, user, ['AWAITING_REVIEW'], 'EXPIRED', workflowActor, 'REVIEW_TIMED_OUT', {
    changes: { reviewTaskToken: undefined },
    messages: [message],
    releaseClaims: { email: user.email, ...(user.identity ? { nikIndex: user.identity.nikIndex } : {}) },
    closesApplication: true,
  }).catch((error: unknown) => {
    if (!(error instanceof AppError && error.code === 'NOT_AWAITING_REVIEW')) throw error;
  });
}

/** Keeps the reason on the user, so a verifier or operator sees why nothing happened. */
export async function recordWorkflowFailure(deps: Pick<ReviewDeps, 'users' | 'clock' | 'ids'>, userId: string, error: string): Promise<void> {
  const user = await deps.users.findUser(userId);
  if (!user) return;
  const at = deps.clock.now().toISOString();
  await deps.users.commitUserChange({
    user: { ...user, workflowFailure: { error: error.slice(0, 500), at }, updatedAt: at, version: user.version + 1 },
    audit: auditEntry(deps, new Date(at), auditActor(workflowActor), 'WORKFLOW_FAILED', user),
  });
}
