import type { RevocationProvider, TimestampAuthority } from '@libpdf/core';
import { createHash } from 'node:crypto';
import { recordPersonalDataRead } from '../../../shared/audit.js';
import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import { privacyPolicy } from '../../../shared/domain/privacy-policy.js';
import type { ServiceSeal } from '../../../shared/pki/seal-runtime.js';
import type { AuditTrail } from '../../../shared/ports/audit.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';
import type { UserDirectory, UserRecord } from '../../../shared/ports/users.js';
import { signPdf } from '../../../shared/signing/pdf-signature.js';
import { displayName, isVisibleTo } from '../../../shared/tenant-users.js';
import { consentStatementPdf, type ConsentStatementContent } from './consent-statement-pdf.js';

export interface ConsentStatementDeps {
  users: Pick<UserDirectory, 'findUser'>;
  tenants: Pick<TenantDirectory, 'findTenant'>;
  /** The service's seal: its key (KMS Sign; a key file locally) and its certificate from the CA. */
  seal: () => Promise<ServiceSeal>;
  /** The service's TSA, called in-process: the seal is PAdES B-LT like a person's signature. */
  timestamps: () => Promise<TimestampAuthority>;
  revocation: RevocationProvider;
  audit: Pick<AuditTrail, 'record'>;
  clock: Clock;
  ids: IdGenerator;
  settings: { serviceName: string; webBaseUrl: string };
}

/**
 * The policy texts whose hash a statement can name: only the current one is kept in the code, so
 * a consent to an earlier version names its version without a hash rather than a wrong one.
 */
const policySha256 = new Map<string, string>([[privacyPolicy.version, createHash('sha256').update(privacyPolicy.text, 'utf8').digest('hex')]]);

/**
 * The sealed personal-data statement of one person, for themselves or for a verifier of their
 * tenant (an operator: any tenant's).
 * 1. Only a person the reader may see: another tenant's is as unknown as nobody (404).
 * 2. No recorded consent yet: CONSENT_NOT_GIVEN (409).
 * 3. Someone else's download is recorded as a read of the person's data before the file is made.
 * 4. The statement is drawn from the consent record and the profile, and sealed (PAdES B-LT) with
 *    the service's seal key and certificate, timestamped by the service's TSA.
 */
export async function consentStatement(deps: ConsentStatementDeps, input: { actor: Actor; userId: string }): Promise<{ pdf: Uint8Array; fileName: string }> {
  const { actor } = input;
  const user = await deps.users.findUser(input.userId);
  const own = user?.userId === actor.actorId && user.tenantId === actor.tenantId;
  if (!user || !(own || (actor.role !== 'USER' && isVisibleTo(user, actor)))) throw new AppError('USER_NOT_FOUND');
  if (!user.consent) throw new AppError('CONSENT_NOT_GIVEN');
  await recordPersonalDataRead(deps, actor, 'CONSENT_STATEMENT_DOWNLOADED', user);

  // Right after a first deployment the pki function may not have certified the seal key yet: a
  // passing state, said as such (503), with the cause kept for the logs.
  const seal = deps.seal().catch((error: unknown) => {
    throw new AppError('SERVICE_UNAVAILABLE', [], { internal: `The service seal is not ready: ${(error as Error).message}` });
  });
  const [tenant, sealed, timestampAuthority] = await Promise.all([deps.tenants.findTenant(user.tenantId), seal, deps.timestamps()]);
  const unsigned = await consentStatementPdf(statementContent(deps.settings, user, user.consent, tenant?.name ?? user.tenantId));
  const pdf = await signPdf({
    pdf: unsigned,
    party: { certificateDer: sealed.certificateDer, chainDer: [sealed.caCertificateDer], keySigner: sealed.signer },
    level: 'B-LT',
    signingTime: deps.clock.now(),
    reason: 'Segel elektronik surat pernyataan penggunaan data pribadi',
    timestampAuthority,
    revocation: deps.revocation,
  });
  return { pdf, fileName: `surat-pernyataan-data-pribadi-${user.userId}.pdf` };
}

function statementContent(
  settings: ConsentStatementDeps['settings'],
  user: UserRecord,
  consent: NonNullable<UserRecord['consent']>,
  agencyName: string,
): ConsentStatementContent {
  const employment = user.employment;
  const employeeNumber = employment?.nip ? { label: 'NIP' as const, value: employment.nip } : employment?.nrp ? { label: 'NRP' as const, value: employment.nrp } : undefined;
  const hash = policySha256.get(consent.version);
  return {
    serviceName: settings.serviceName,
    fullName: displayName(user),
    ...(employeeNumber ? { employeeNumber } : {}),
    ...(employment?.position ? { position: employment.position } : {}),
    ...(employment?.unitName ? { unitName: employment.unitName } : {}),
    agencyName,
    email: user.email,
    policyVersion: consent.version,
    ...(hash ? { policySha256: hash } : {}),
    acceptedAt: consent.acceptedAt,
    sourceIp: consent.sourceIp,
    verifyUrl: `${settings.webBaseUrl.replace(/\/+$/, '')}/verify`,
  };
}
