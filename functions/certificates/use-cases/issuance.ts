import { webcrypto } from 'node:crypto';
import { sealSigningKey, signingKeyContext } from '../../../shared/crypto/key-custody.js';
import { hasEnded } from '../../../shared/domain/certificates.js';
import { AppError } from '../../../shared/domain/errors.js';
import { newPhotoId } from '../../../shared/domain/photo-ids.js';
import { subscriberAgreement } from '../../../shared/domain/subscriber-agreement.js';
import { hashToken } from '../../../shared/domain/tokens.js';
import { usableLink } from '../../../shared/links.js';
import { checkUploadedPhoto, UPLOAD_URL_SECONDS } from '../../../shared/photo-upload.js';
import { createCertificateRequest, type SubjectProfile } from '../../../shared/pki/certificate-authority.js';
import type { CertificateRecord, ConfirmedSelfie, IssuanceKind, RevocationEntry, SigningKeyRecord } from '../../../shared/ports/certificates.js';
import type { LinkTokenRecord } from '../../../shared/ports/links.js';
import type { OutboxMessage } from '../../../shared/ports/outbox.js';
import type { PhotoContentType } from '../../../shared/ports/photos.js';
import type { UserRecord } from '../../../shared/ports/users.js';
import type { CertificatesDeps } from './deps.js';
import { auditEntry, certificateView, displayName } from './views.js';

/** The two links that end in a new key and certificate: set passphrase, and reset passphrase. */
export type IssuancePurpose = 'enroll' | 'reset-passphrase';

/** While one request makes the certificate of a link, others on the same link wait this long. */
const LINK_HOLD_MS = 60_000;
/** Users who may hold a certificate: approved, whether or not the account setup is done yet. */
const eligibleStatuses = new Set(['APPROVED', 'ACTIVE']);

const selfieFolder = (user: UserRecord, token: LinkTokenRecord) => `kyc/${user.tenantId}/${user.userId}/certificates/${token.tokenHash.slice(0, 16)}/`;

/** What a link issues: the first certificate, a renewal, a new request or a reset. */
function issuanceKind(purpose: IssuancePurpose, token: LinkTokenRecord): IssuanceKind {
  if (purpose === 'reset-passphrase') return 'RESET';
  return token.issuanceKind ?? 'FIRST';
}

async function issuanceLink(deps: CertificatesDeps, rawToken: string, purpose: IssuancePurpose, now: Date) {
  const { token, user } = await usableLink(deps.users, rawToken, purpose, now);
  if (!eligibleStatuses.has(user.status)) throw new AppError('CERTIFICATE_NOT_ELIGIBLE');
  return { token, user };
}

/** X.520 bounds CN, O and OU at 64 characters; longer values are cut at a word where possible. */
function fitX520(value: string): string {
  const trimmed = value.trim().replace(/\s+/g, ' ');
  if (trimmed.length <= 64) return trimmed;
  const cut = trimmed.slice(0, 64);
  const space = cut.lastIndexOf(' ');
  return space >= 32 ? cut.slice(0, space) : cut;
}

/** The subject the certificate will carry: the KTP name, the tenant's organisation, the unit. */
async function subjectOf(deps: CertificatesDeps, user: UserRecord): Promise<SubjectProfile> {
  const tenant = await deps.tenants.findTenant(user.tenantId);
  return {
    commonName: fitX520(displayName(user)),
    organizationName: fitX520(tenant?.organizationName || tenant?.name || user.tenantId),
    ...(user.employment?.unitName ? { organizationalUnit: fitX520(user.employment.unitName) } : {}),
    email: user.email,
  };
}

/** The page behind the link: the profile to confirm, the agreement, and whether the selfie is in. */
export async function getIssuanceLink(deps: CertificatesDeps, input: { token: string; purpose: IssuancePurpose }) {
  const now = deps.clock.now();
  const { token, user } = await issuanceLink(deps, input.token, input.purpose, now);
  const subject = await subjectOf(deps, user);
  return {
    kind: issuanceKind(input.purpose, token),
    profile: {
      fullName: subject.commonName,
      email: user.email,
      organizationName: subject.organizationName,
      unitName: user.employment?.unitName ?? null,
      position: user.employment?.position ?? null,
      country: 'ID',
    },
    ...(token.certificateSerial ? { replacesSerialNumber: token.certificateSerial } : {}),
    agreement: { version: subscriberAgreement.version, text: subscriberAgreement.text },
    selfieConfirmed: Boolean(token.freshSelfie),
    expiresAt: token.expiresAt,
  };
}

/** A presigned upload for the fresh selfie (JPEG/PNG, 5 MB, 5 minutes), as in activation. */
export async function requestIssuanceSelfieUpload(deps: CertificatesDeps, input: { token: string; purpose: IssuancePurpose; contentType: PhotoContentType; contentLength: number }) {
  const now = deps.clock.now();
  const { token, user } = await issuanceLink(deps, input.token, input.purpose, now);
  const photoId = newPhotoId('SELFIE', now);
  const upload = await deps.photos.presignUpload(`${selfieFolder(user, token)}${photoId}`, input.contentType, input.contentLength, UPLOAD_URL_SECONDS);
  return { photoId, uploadUrl: upload.url, uploadHeaders: upload.headers, expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString() };
}

/** Checks the uploaded selfie for real and records it on the link; a later one replaces it. */
export async function confirmIssuanceSelfie(deps: CertificatesDeps, input: { token: string; purpose: IssuancePurpose; photoId: string }) {
  const now = deps.clock.now();
  const { token, user } = await issuanceLink(deps, input.token, input.purpose, now);
  const objectKey = `${selfieFolder(user, token)}${input.photoId}`;
  const verdict = await checkUploadedPhoto(deps.photos, objectKey);
  const selfie: ConfirmedSelfie = { photoId: input.photoId, objectKey, width: verdict.width, height: verdict.height, confirmedAt: now.toISOString() };
  await deps.certificates.saveLinkSelfie(token, selfie);
  return { selfieConfirmed: true };
}

/**
 * Makes the key and the certificate behind a set-passphrase or reset-passphrase link.
 * 1. The link must be usable, its fresh selfie confirmed, and the user's current key must be the
 *    one the link expects: none for a first certificate or a new request, the renewed or reset
 *    certificate's otherwise. A link already used answers with the certificate it issued, so a
 *    retried request never makes a second one.
 * 2. The link is held while the CA signs, so two requests racing on it cannot both be signed.
 * 3. An ECDSA P-256 key pair is made here; its CSR (signed by the new key) goes to the CA; the
 *    PKCS#8 is sealed under the passphrase and the KMS data key. Only the sealed form is kept.
 * 4. One transaction: link used, certificate and key stored (conditional on the key slot), the
 *    old certificate RENEWED or REVOKED (superseded), audit, e-mails, usage.
 */
export async function issueCertificate(
  deps: CertificatesDeps,
  input: { token: string; purpose: IssuancePurpose; passphrase: string; sourceIp: string },
): Promise<{ certificate: ReturnType<typeof certificateView> }> {
  try {
    return await issueThroughLink(deps, input);
  } catch (error) {
    // A retry, or a duplicate that read the link, the key or the hold just before its twin
    // committed, is answered with the certificate this link issued.
    if (error instanceof AppError && answeredByEarlierIssue.has(error.code)) {
      const issued = await issuedThrough(deps, input.token, input.purpose);
      if (issued) return issued;
    }
    throw error;
  }
}

const answeredByEarlierIssue = new Set<string>(['TOKEN_USED', 'ISSUANCE_IN_PROGRESS', 'CERTIFICATE_ALREADY_ISSUED', 'CERTIFICATE_NOT_ACTIVE']);

async function issueThroughLink(
  deps: CertificatesDeps,
  input: { token: string; purpose: IssuancePurpose; passphrase: string; sourceIp: string },
): Promise<{ certificate: ReturnType<typeof certificateView> }> {
  const now = deps.clock.now();
  const { token, user } = await issuanceLink(deps, input.token, input.purpose, now);
  const kind = issuanceKind(input.purpose, token);
  if (!token.freshSelfie) throw new AppError('SELFIE_REQUIRED');

  const currentKey = await deps.certificates.findSigningKey(user.userId);
  const replaced = await replacedCertificate(deps, kind, token, currentKey, now);
  const heldUntil = new Date(now.getTime() + LINK_HOLD_MS).toISOString();
  if (!(await deps.certificates.holdLink(token, now.toISOString(), heldUntil))) throw new AppError('ISSUANCE_IN_PROGRESS');
  try {
    return await makeCertificate(deps, { token, user, kind, currentKey, replaced, passphrase: input.passphrase, sourceIp: input.sourceIp, now });
  } catch (error) {
    // A failure (KMS, a lost race) must not keep the person waiting for the hold to lapse.
    await deps.certificates.releaseLink(token, heldUntil).catch(() => undefined);
    throw error;
  }
}

/** Steps 3 and 4 of issueCertificate, with the link held. */
async function makeCertificate(
  deps: CertificatesDeps,
  input: {
    token: LinkTokenRecord; user: UserRecord; kind: IssuanceKind; currentKey: SigningKeyRecord | undefined; replaced: CertificateRecord | undefined;
    passphrase: string; sourceIp: string; now: Date;
  },
): Promise<{ certificate: ReturnType<typeof certificateView> }> {
  const { token, user, kind, currentKey, replaced, now } = input;
  const subject = await subjectOf(deps, user);
  const keyId = deps.ids.newId();
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const csr = await createCertificateRequest(keys, subject);
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  let sealed;
  try {
    sealed = await sealSigningKey(deps.keyWrapper, pkcs8, input.passphrase, signingKeyContext(user.userId, keyId));
  } finally {
    pkcs8.fill(0);
  }
  const issued = await (await deps.authority()).issue({ csrDer: csr.der, subject, now });

  const at = now.toISOString();
  const certificate: CertificateRecord = {
    serialNumber: issued.serialNumber,
    userId: user.userId,
    tenantId: user.tenantId,
    email: user.email,
    fullName: subject.commonName,
    subject: issued.subject,
    status: 'ISSUED',
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    pem: issued.pem,
    csrPem: csr.pem,
    keyId,
    issuedAt: at,
    issuance: { kind, tokenHash: token.tokenHash, ...(replaced ? { replaces: replaced.serialNumber } : {}) },
    agreement: { version: subscriberAgreement.version, acceptedAt: at, sourceIp: input.sourceIp },
    selfie: token.freshSelfie!,
    version: 1,
  };
  const key: SigningKeyRecord = {
    userId: user.userId, keyId, serialNumber: issued.serialNumber, sealed, createdAt: at, updatedAt: at, failedPassphrases: 0, version: 1,
  };
  const updates: CertificateRecord[] = [];
  const revocations: RevocationEntry[] = [];
  if (replaced && (kind === 'FIRST' || kind === 'NEW_REQUEST')) updates.push({ ...replaced, status: 'EXPIRED', expiredAt: at, version: replaced.version + 1 });
  if (replaced && kind === 'RENEWAL') updates.push({ ...replaced, status: 'RENEWED', renewedBy: issued.serialNumber, version: replaced.version + 1 });
  if (replaced && kind === 'RESET') {
    updates.push({ ...replaced, status: 'REVOKED', revocation: { at, reason: 'superseded', actorId: user.userId, actorRole: user.role }, version: replaced.version + 1 });
    revocations.push({ serialNumber: replaced.serialNumber, revokedAt: at, reason: 'superseded', notAfter: replaced.notAfter });
  }

  const messages: OutboxMessage[] = [await deps.composer.compose('certificateIssued', user.email, {
    fullName: subject.commonName, commonName: subject.commonName, organization: subject.organizationName, country: 'ID',
    serialNumber: issued.serialNumber, notAfter: issued.notAfter,
  }, {})];
  if (kind === 'RESET') {
    messages.push(await deps.composer.compose('passphraseChanged', user.email, { fullName: subject.commonName, change: 'RESET', serialNumber: issued.serialNumber, changedAt: at }, {}));
  }
  await deps.certificates.commit({
    userId: user.userId,
    consumeToken: { token, serialNumber: issued.serialNumber },
    issue: { certificate, key, ...(currentKey ? { replacesSerial: currentKey.serialNumber } : {}) },
    updates,
    revocations,
    audit: auditEntry(deps, now, { actorId: user.userId, role: user.role }, kind === 'RESET' ? 'PASSPHRASE_RESET' : 'CERTIFICATE_ISSUED', user, { reason: issued.serialNumber }),
    messages,
    usage: { tenantId: user.tenantId, event: 'CERTIFICATE_ISSUED', at },
  });
  if (revocations.length > 0) await publishCrlQuietly(deps);
  return { certificate: certificateView(certificate) };
}

/**
 * The certificate this issuance replaces, checked against the user's current key:
 * - FIRST / NEW_REQUEST: there must be no valid certificate (one per person); a key left by a
 *   certificate past its end that the daily job has not marked yet is replaced (and it EXPIRED);
 * - RENEWAL: the current key must still be the renewed certificate's, not locked, and it must not
 *   have ended;
 * - RESET: the current key must still be the reset certificate's (locked or not).
 */
async function replacedCertificate(deps: CertificatesDeps, kind: IssuanceKind, token: LinkTokenRecord, currentKey: SigningKeyRecord | undefined, now: Date) {
  if (!currentKey) {
    if (kind === 'FIRST' || kind === 'NEW_REQUEST') return undefined;
    throw new AppError('CERTIFICATE_NOT_ACTIVE');
  }
  const current = await deps.certificates.findCertificate(currentKey.serialNumber);
  if (kind === 'FIRST' || kind === 'NEW_REQUEST') {
    if (current && hasEnded(current.notAfter, now)) return current;
    throw new AppError('CERTIFICATE_ALREADY_ISSUED');
  }
  if (currentKey.serialNumber !== token.certificateSerial) throw new AppError('CERTIFICATE_NOT_ACTIVE');
  // A locked key is opened again by a passphrase reset only, not by renewing around it.
  if (kind === 'RENEWAL' && currentKey.lockedAt) throw new AppError('KEY_LOCKED');
  if (!current || (current.status !== 'ISSUED' && current.status !== 'SUSPENDED')) throw new AppError('CERTIFICATE_NOT_ACTIVE');
  if (kind === 'RENEWAL' && hasEnded(current.notAfter, now)) throw new AppError('CERTIFICATE_EXPIRED');
  return current;
}

/** The certificate this link issued, if it issued one. */
async function issuedThrough(deps: CertificatesDeps, rawToken: string, purpose: IssuancePurpose) {
  const token = await deps.users.findToken(hashToken(rawToken));
  if (!token || token.purpose !== purpose || !token.issuedSerial) return undefined;
  const certificate = await deps.certificates.findCertificate(token.issuedSerial);
  return certificate ? { certificate: certificateView(certificate) } : undefined;
}

/** The CRL follows each revocation; if publishing fails now, the next fetch or daily run makes it. */
export async function publishCrlQuietly(deps: Pick<CertificatesDeps, 'publishCrl' | 'logger'>): Promise<void> {
  try {
    await deps.publishCrl();
  } catch (error) {
    deps.logger.warn('CRL not published after a revocation; it is made on the next fetch', { error: error as Error });
  }
}

