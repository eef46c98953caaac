import type { Config } from '../config.js';
import type { CaSigner } from '../ports/ca-signer.js';
import type { PkiStore, StoredTsaCertificate } from '../ports/pki.js';
import type { Clock } from '../ports/runtime.js';
import type { CertificateAuthority, IssuedCertificate } from './certificate-authority.js';
import { fromPem, hex, sha256 } from './encoding.js';
import { TimestampAuthority } from './timestamp-authority.js';

/** A TSA certificate is good for ten years (never beyond the CA's); a new TSA key gets a new one. */
export const TSA_VALIDITY_YEARS = 10;

export interface TsaSettings {
  /** The TSA certificate's CN (its O is the CA's organisation). */
  commonName: string;
  /** The TSA policy every token names. */
  policyOid: string;
  validityYears: number;
  accuracySeconds?: number;
}

export interface TsaRuntimeDeps {
  pki: Pick<PkiStore, 'findCaCertificate' | 'findTsaCertificate' | 'saveTsaCertificate'>;
  /** The TSA key (a KMS key of its own on AWS, `tsa-key.pem` locally). */
  signer: CaSigner;
  clock: Clock;
  settings: TsaSettings;
  /**
   * The CA, where the function holds the CA key (pki): it then makes the TSA certificate on first
   * use. A function without the CA key (signing) leaves it out and reads the certificate the pki
   * function made.
   */
  authority?: () => Promise<CertificateAuthority>;
}

/**
 * The timestamp authority of this deployment, ready to sign. Its certificate is made once per TSA
 * key, on first use, by whichever function gets there first (a conditional put decides; the
 * others read the winner), and is kept under the key's hash: a new key (rotation) gets a new
 * certificate while the old one stays on record for OCSP.
 */
export function timestampAuthority(deps: TsaRuntimeDeps): () => Promise<TimestampAuthority> {
  let ready: Promise<TimestampAuthority> | undefined;
  return () => {
    ready ??= loadOrCreate(deps).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}

/**
 * The certificate the CA made for one of the service's own keys (its TSA, its seal), kept under
 * the key's hash: found, or made on first use where the CA is at hand and stored by a conditional
 * put (a concurrent maker's certificate wins and is read back). Without the CA, a missing
 * certificate is an error naming who makes it.
 */
export async function serviceCertificatePem(deps: {
  signer: Pick<CaSigner, 'publicKeySpki'>;
  find: (keyHash: string) => Promise<string | undefined>;
  save: (keyHash: string, certificate: StoredTsaCertificate, at: string) => Promise<boolean>;
  issue?: (spki: Uint8Array, now: Date) => Promise<IssuedCertificate>;
  clock: Clock;
  /** What is missing, said when there is no certificate and no CA to make one. */
  missing: string;
}): Promise<string> {
  const spki = await deps.signer.publicKeySpki();
  const keyHash = hex(sha256(spki));
  let pem = await deps.find(keyHash);
  if (!pem) {
    if (!deps.issue) throw new Error(deps.missing);
    const now = deps.clock.now();
    const made = await deps.issue(spki, now);
    const stored = await deps.save(keyHash, { pem: made.pem, serialNumber: made.serialNumber }, now.toISOString());
    pem = stored ? made.pem : await deps.find(keyHash);
    if (!pem) throw new Error('The certificate vanished right after it was stored');
  }
  return pem;
}

async function loadOrCreate(deps: TsaRuntimeDeps): Promise<TimestampAuthority> {
  const { pki, signer, settings } = deps;
  const authority = deps.authority;
  const pem = await serviceCertificatePem({
    signer,
    find: (keyHash) => pki.findTsaCertificate(keyHash),
    save: (keyHash, certificate, at) => pki.saveTsaCertificate(keyHash, certificate, at),
    ...(authority ? { issue: async (spki: Uint8Array, now: Date) => (await authority()).issueTsaCertificate({ spki, commonName: settings.commonName, now, validityYears: settings.validityYears }) } : {}),
    clock: deps.clock,
    missing: 'There is no TSA certificate for this TSA key yet: the pki function makes it on first use (GET /pki/tsa.pem)',
  });
  const caCertificate = deps.authority ? (await deps.authority()).certificate.der : fromPem(await storedCaCertificate(pki), 'CERTIFICATE');
  // The constructor checks the certificate against the CA (issuer, signature) and its profile.
  const tsa = new TimestampAuthority({
    signer, certificate: fromPem(pem, 'CERTIFICATE'), caCertificate, clock: deps.clock, policyOid: settings.policyOid,
    ...(settings.accuracySeconds === undefined ? {} : { accuracySeconds: settings.accuracySeconds }),
  });
  await tsa.checkSigner();
  if (new Date(tsa.certificate.notAfter) <= deps.clock.now()) {
    throw new Error(`The TSA certificate expired at ${tsa.certificate.notAfter}: give the TSA a new key (TSA_KEY_ID), which gets a new certificate`);
  }
  return tsa;
}

export async function storedCaCertificate(pki: Pick<PkiStore, 'findCaCertificate'>): Promise<string> {
  const pem = await pki.findCaCertificate();
  if (!pem) throw new Error('There is no CA certificate yet: the pki function makes it on first use');
  return pem;
}

/** The TSA's settings as configured for a function: the policy defaults to `<certificate policy>.2`. */
export function tsaSettingsFromConfig(config: Config): TsaSettings {
  return {
    commonName: config.TSA_COMMON_NAME,
    policyOid: config.TSA_POLICY_OID ?? `${config.CERTIFICATE_POLICY_OID}.2`,
    validityYears: TSA_VALIDITY_YEARS,
  };
}
