import { auditEntry } from '../../../shared/audit.js';
import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { AuditTrail } from '../../../shared/ports/audit.js';
import type { PersonalDataStore } from '../../../shared/ports/personal-data.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';

export interface PersonalDataDeps {
  personalData: Pick<PersonalDataStore, 'collect'>;
  tenants: Pick<TenantDirectory, 'findTenant'>;
  audit: Pick<AuditTrail, 'record'>;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * Everything the service holds about the signed-in person (UU PDP, right of access), as one
 * document they can keep. Secrets are not data about them and are left out: password hash, TOTP
 * secrets, the sealed key and NIK (the NIK shows by its last four digits, as on every page).
 * The export itself is recorded in their audit trail before it is handed out.
 */
export async function exportPersonalData(deps: PersonalDataDeps, input: { actor: Actor }) {
  const holdings = await deps.personalData.collect(input.actor.actorId);
  if (!holdings) throw new AppError('USER_NOT_FOUND');
  const { user } = holdings;
  const now = deps.clock.now();
  await deps.audit.record(auditEntry(deps, now, input.actor, 'PERSONAL_DATA_EXPORTED', user));
  const tenant = await deps.tenants.findTenant(user.tenantId);
  const { nikSealed: _sealed, nikIndex: _index, ...identity } = user.identity ?? ({} as NonNullable<typeof user.identity>);
  const { nipBirthDate: _nipBirthDate, ...employment } = user.employment ?? ({} as NonNullable<typeof user.employment>);
  return {
    exportedAt: now.toISOString(),
    controller: { tenantId: user.tenantId, name: tenant?.name ?? user.tenantId },
    profile: {
      userId: user.userId, fullName: user.fullName, email: user.email, ...(user.phone ? { phone: user.phone } : {}),
      role: user.role, status: user.status, createdAt: user.createdAt, updatedAt: user.updatedAt,
    },
    ...(user.identity ? { identity: { ...identity, nik: `************${user.identity.nikLast4}` } } : {}),
    ...(user.employment ? { employment } : {}),
    consents: [
      ...(user.privacyPolicyVersion ? [{ kind: 'PRIVACY_POLICY_READ', version: user.privacyPolicyVersion, at: user.privacyPolicyViewedAt ?? null }] : []),
      ...(user.consent ? [{ kind: 'PERSONAL_DATA_PROCESSING', version: user.consent.version, at: user.consent.acceptedAt, sourceIp: user.consent.sourceIp }] : []),
      ...holdings.certificates.map((certificate) => ({
        kind: 'SUBSCRIBER_AGREEMENT', version: certificate.agreement.version, at: certificate.agreement.acceptedAt, sourceIp: certificate.agreement.sourceIp,
        certificateSerial: certificate.serialNumber,
      })),
    ],
    // The photos themselves are shown to the person on their pages; here, what is kept and when.
    photos: [
      ...holdings.photos.map(({ photoId, kind, contentType, contentLength, status, createdAt, confirmedAt }) => ({
        purpose: 'ACTIVATION', photoId, kind, contentType, contentLength, status, createdAt, ...(confirmedAt ? { confirmedAt } : {}),
      })),
      ...holdings.certificates.map(({ serialNumber, selfie }) => ({
        purpose: 'CERTIFICATE', photoId: selfie.photoId, kind: 'SELFIE', status: 'CONFIRMED', confirmedAt: selfie.confirmedAt, certificateSerial: serialNumber,
      })),
    ],
    otpDevices: holdings.devices.map(({ deviceId, name, createdAt, lastUsedAt }) => ({ deviceId, name, createdAt, ...(lastUsedAt ? { lastUsedAt } : {}) })),
    certificates: holdings.certificates.map((certificate) => ({
      serialNumber: certificate.serialNumber, subject: certificate.subject, status: certificate.status,
      notBefore: certificate.notBefore, notAfter: certificate.notAfter, issuedAt: certificate.issuedAt,
      ...(certificate.revocation ? { revokedAt: certificate.revocation.at, revocationReason: certificate.revocation.reason } : {}),
      pem: certificate.pem,
    })),
    signatures: holdings.signatures.map((batch) => ({
      batchId: batch.batchId, signedAt: batch.signedAt, certificateSerial: batch.certificateSerial,
      ...(batch.requestedBy ? { requestedBy: batch.requestedBy } : {}),
      ...('documents' in batch
        ? { documents: batch.documents.map((document) => ({ name: document.name, originalSha256: document.originalSha256, signedSha256: document.signedSha256 })) }
        : { hashes: batch.hashes }),
    })),
    dataChanges: holdings.dataChanges.map(({ requestId, origin, status, changes, previous, reason, createdAt, decision }) => ({
      requestId, origin, status, changes, previous, reason, createdAt, ...(decision ? { decidedAt: decision.at, decision: decision.decision } : {}),
    })),
    // Who did what with their data, reads by others included; an address is shown only where it
    // was the person's own (a verifier's address is the verifier's personal data, not theirs).
    audit: holdings.audit.map(({ at, action, actorId, actorRole, status, reason, sourceIp }) => ({
      at, action, actorRole, ...(status ? { status } : {}), ...(reason ? { reason } : {}), ...(sourceIp && actorId === user.userId ? { sourceIp } : {}),
    })),
  };
}
