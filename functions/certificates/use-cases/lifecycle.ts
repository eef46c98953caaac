import type { Actor } from '../../../shared/domain/actor.js';
import { hasEnded, renewalCheck, type RevocationReason } from '../../../shared/domain/certificates.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { TokenPurpose } from '../../../shared/domain/tokens.js';
import { findTenantUser } from '../../../shared/tenant-users.js';
import type { RequestSlot } from '../../../shared/ports/accounts.js';
import type { CertificateChange, CertificateRecord } from '../../../shared/ports/certificates.js';
import type { LinkTokenRecord } from '../../../shared/ports/links.js';
import type { UserRecord } from '../../../shared/ports/users.js';
import type { CertificatesDeps } from './deps.js';
import { publishCrlQuietly } from './issuance.js';
import { auditEntry, certificateView, displayName, revocationReasonText } from './views.js';
import { ENROLL_LINK_MS, linkFor, newCertificateLink } from './certificate-links.js';

/** Passphrase links last an hour (set-passphrase links: ENROLL_LINK_MS). */
const PASSPHRASE_LINK_MS = 3_600_000;
/** Repeats of a "send me a link" request within this time send nothing more. */
const RESEND_AFTER_MS = 60_000;
/**
 * The repeat guard is per kind of link: a locked holder who asked for a change link a moment ago
 * must still get the reset link the lock e-mail tells them to ask for.
 */
const requestSlots = {
  enroll: 'enrollLinkRequestedAt',
  'change-passphrase': 'passphraseChangeLinkRequestedAt',
  'reset-passphrase': 'passphraseResetLinkRequestedAt',
} as const satisfies Partial<Record<TokenPurpose, RequestSlot>>;

const revocable = new Set(['ISSUED', 'RENEWED', 'SUSPENDED']);

export async function listMyCertificates(deps: CertificatesDeps, input: { actor: Actor }) {
  return { items: (await deps.certificates.listUserCertificates(input.actor.actorId)).map(certificateView) };
}

export async function listUserCertificates(deps: CertificatesDeps, input: { actor: Actor; userId: string }) {
  const user = await findTenantUser(deps.users, input.actor, input.userId);
  return { items: (await deps.certificates.listUserCertificates(user.userId)).map(certificateView) };
}

async function signedInUser(deps: CertificatesDeps, actor: Actor): Promise<UserRecord> {
  const user = await deps.users.findUser(actor.actorId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  return user;
}

/** The holder's own certificate; anyone else's is unknown (404). */
async function ownCertificate(deps: CertificatesDeps, actor: Actor, serialNumber: string): Promise<CertificateRecord> {
  const certificate = await deps.certificates.findCertificate(serialNumber);
  if (!certificate || certificate.userId !== actor.actorId) throw new AppError('CERTIFICATE_NOT_FOUND');
  return certificate;
}

/**
 * E-mails a link for the holder, once per minute at most: a repeated or retried request within
 * the minute sends nothing more (and answers the same).
 */
async function sendLink(
  deps: CertificatesDeps,
  user: UserRecord,
  purpose: keyof typeof requestSlots,
  validForMs: number,
  extra: Pick<LinkTokenRecord, 'issuanceKind' | 'certificateSerial'>,
  action: string,
  compose: (link: string, token: LinkTokenRecord) => ReturnType<CertificatesDeps['composer']['compose']>,
): Promise<void> {
  const now = deps.clock.now();
  const notBefore = new Date(now.getTime() - RESEND_AFTER_MS).toISOString();
  if (!(await deps.slots.claimRequestSlot(user.userId, requestSlots[purpose], now.toISOString(), notBefore))) return;
  const { token, message } = await linkFor(deps, user, purpose, validForMs, extra, compose, now);
  await deps.certificates.commit({
    userId: user.userId,
    tokens: [token],
    audit: auditEntry(deps, now, { actorId: user.userId, role: user.role }, action, user, extra.certificateSerial ? { reason: extra.certificateSerial } : {}),
    messages: [message],
  });
}

// The set-passphrase link is made in its own module: the enrollment function sends it again
// without bundling what issuance needs (argon2, the CA).
export { newCertificateLink };

/** A new certificate when none is valid (revoked or expired): a set-passphrase link. */
export async function requestNewCertificate(deps: CertificatesDeps, input: { actor: Actor }): Promise<void> {
  const user = await signedInUser(deps, input.actor);
  if (user.status !== 'ACTIVE') throw new AppError('CERTIFICATE_NOT_ELIGIBLE');
  const key = await deps.certificates.findSigningKey(user.userId);
  // A certificate past its end counts as gone even before the daily job marks it EXPIRED.
  const current = key && (await deps.certificates.findCertificate(key.serialNumber));
  if (current && !hasEnded(current.notAfter, deps.clock.now())) throw new AppError('CERTIFICATE_ALREADY_ISSUED');
  await sendLink(deps, user, 'enroll', ENROLL_LINK_MS, { issuanceKind: 'NEW_REQUEST' }, 'CERTIFICATE_REQUESTED', (link, token) =>
    deps.composer.compose('setPassphrase', user.email, { fullName: displayName(user), expiresAt: token.expiresAt, kind: 'NEW_REQUEST' }, { link }));
}

/** Renewal, in the last 30 days only: a set-passphrase link for a new key and certificate. */
export async function requestRenewal(deps: CertificatesDeps, input: { actor: Actor; serialNumber: string }): Promise<void> {
  const certificate = await ownCertificate(deps, input.actor, input.serialNumber);
  const now = deps.clock.now();
  const window = renewalCheck(certificate.notAfter, now);
  if (certificate.status === 'EXPIRED' || window === 'EXPIRED') throw new AppError('CERTIFICATE_EXPIRED');
  if (certificate.status === 'SUSPENDED') throw new AppError('CERTIFICATE_SUSPENDED');
  if (certificate.status !== 'ISSUED') throw new AppError('CERTIFICATE_NOT_ACTIVE');
  if (window === 'NOT_OPEN') {
    const opens = new Date(new Date(certificate.notAfter).getTime() - 30 * 86_400_000).toISOString();
    throw new AppError('RENEWAL_NOT_OPEN', [], { extensions: { renewalOpensAt: opens } });
  }
  if ((await keyOf(deps, certificate)).lockedAt) throw new AppError('KEY_LOCKED');
  const user = await signedInUser(deps, input.actor);
  await sendLink(deps, user, 'enroll', ENROLL_LINK_MS, { issuanceKind: 'RENEWAL', certificateSerial: certificate.serialNumber }, 'RENEWAL_REQUESTED', (link, token) =>
    deps.composer.compose('setPassphrase', user.email, { fullName: displayName(user), expiresAt: token.expiresAt, kind: 'RENEWAL' }, { link }));
}

/** The current key of a certificate the holder wants to change the passphrase of, or reset. */
async function keyOf(deps: CertificatesDeps, certificate: CertificateRecord) {
  const key = await deps.certificates.findSigningKey(certificate.userId);
  // Held while a data change waits: a new passphrase or key would outlive the hold.
  if (certificate.status === 'SUSPENDED') throw new AppError('CERTIFICATE_SUSPENDED');
  if (certificate.status !== 'ISSUED' || key?.serialNumber !== certificate.serialNumber) throw new AppError('CERTIFICATE_NOT_ACTIVE');
  return key;
}

/** Change the passphrase (the holder knows the current one): a link by e-mail. */
export async function requestPassphraseChange(deps: CertificatesDeps, input: { actor: Actor; serialNumber: string }): Promise<void> {
  const certificate = await ownCertificate(deps, input.actor, input.serialNumber);
  const key = await keyOf(deps, certificate);
  // A locked key cannot be opened to re-seal it: only a reset helps.
  if (key.lockedAt) throw new AppError('KEY_LOCKED');
  const user = await signedInUser(deps, input.actor);
  await sendLink(deps, user, 'change-passphrase', PASSPHRASE_LINK_MS, { certificateSerial: certificate.serialNumber }, 'PASSPHRASE_CHANGE_REQUESTED', (link, token) =>
    deps.composer.compose('passphraseChangeLink', user.email, { fullName: displayName(user), serialNumber: certificate.serialNumber, expiresAt: token.expiresAt }, { link }));
}

/** Reset the passphrase (forgotten, or the key locked): a link by e-mail; a new key follows. */
export async function requestPassphraseReset(deps: CertificatesDeps, input: { actor: Actor; serialNumber: string }): Promise<void> {
  const certificate = await ownCertificate(deps, input.actor, input.serialNumber);
  await keyOf(deps, certificate);
  const user = await signedInUser(deps, input.actor);
  await sendLink(deps, user, 'reset-passphrase', PASSPHRASE_LINK_MS, { certificateSerial: certificate.serialNumber }, 'PASSPHRASE_RESET_REQUESTED', (link, token) =>
    deps.composer.compose('passphraseResetLink', user.email, { fullName: displayName(user), serialNumber: certificate.serialNumber, expiresAt: token.expiresAt }, { link }));
}

/**
 * Revokes a certificate, by its holder or by a verifier (or operator) of the holder's tenant.
 * 1. Only a certificate still valid (ISSUED, RENEWED, SUSPENDED) can be revoked.
 * 2. One transaction: the certificate REVOKED with the reason, its CRL entry, its key destroyed
 *    when it is the current one, audit and the e-mail to the holder.
 * 3. A new CRL is published right after.
 */
export async function revokeCertificate(
  deps: CertificatesDeps,
  input: { actor: Actor; serialNumber: string; reason: RevocationReason; userId?: string },
): Promise<{ serialNumber: string; status: 'REVOKED' }> {
  const byHolder = input.userId === undefined;
  const holderId = byHolder ? input.actor.actorId : (await findTenantUser(deps.users, input.actor, input.userId!)).userId;
  const certificate = await deps.certificates.findCertificate(input.serialNumber);
  if (!certificate || certificate.userId !== holderId) throw new AppError('CERTIFICATE_NOT_FOUND');
  if (!revocable.has(certificate.status)) throw new AppError('CERTIFICATE_NOT_ACTIVE');

  const now = deps.clock.now();
  await deps.certificates.commit({
    userId: holderId,
    ...(await revocationOf(deps, certificate, input.reason, { actor: input.actor, by: byHolder ? 'HOLDER' : 'VERIFIER' }, now)),
    audit: auditEntry(deps, now, input.actor, 'CERTIFICATE_REVOKED', certificate, { reason: `${certificate.serialNumber} ${input.reason}` }),
  });
  await publishCrlQuietly(deps);
  return { serialNumber: certificate.serialNumber, status: 'REVOKED' };
}

/**
 * What revoking a certificate writes, for a change that revokes one (a revocation, an approved
 * data change): the certificate REVOKED on its version, its CRL entry, its key dropped when it is
 * the current one, and the e-mail to the holder. Publish the CRL after committing.
 */
export async function revocationOf(
  deps: Pick<CertificatesDeps, 'certificates' | 'composer'>,
  certificate: CertificateRecord,
  reason: RevocationReason,
  who: { actor: Pick<Actor, 'actorId' | 'role'>; by: 'HOLDER' | 'VERIFIER' },
  now: Date,
): Promise<Required<Pick<CertificateChange, 'updates' | 'revocations' | 'messages'>> & Pick<CertificateChange, 'dropKeyOf'>> {
  const at = now.toISOString();
  const key = await deps.certificates.findSigningKey(certificate.userId);
  const next: CertificateRecord = {
    ...certificate,
    status: 'REVOKED',
    revocation: { at, reason, actorId: who.actor.actorId, actorRole: who.actor.role },
    version: certificate.version + 1,
  };
  return {
    updates: [next],
    revocations: [{ serialNumber: certificate.serialNumber, revokedAt: at, reason, notAfter: certificate.notAfter }],
    ...(key?.serialNumber === certificate.serialNumber ? { dropKeyOf: certificate.serialNumber } : {}),
    messages: [await deps.composer.compose('certificateRevoked', certificate.email, {
      fullName: certificate.fullName, serialNumber: certificate.serialNumber, reason: revocationReasonText[reason], revokedAt: at, by: who.by,
    }, {})],
  };
}
