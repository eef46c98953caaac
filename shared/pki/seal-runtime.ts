import type { Config } from '../config.js';
import type { CaSigner } from '../ports/ca-signer.js';
import type { PkiStore } from '../ports/pki.js';
import type { Clock } from '../ports/runtime.js';
import { X509Certificate } from 'node:crypto';
import type { CertificateAuthority } from './certificate-authority.js';
import { fromPem } from './encoding.js';
import { serviceCertificatePem, storedCaCertificate } from './tsa-runtime.js';

/** A seal certificate is good for ten years (never beyond the CA's); a new seal key gets a new one. */
export const SEAL_VALIDITY_YEARS = 10;

export interface SealSettings {
  /** The seal certificate's CN (its O is the CA's organisation). */
  commonName: string;
  validityYears: number;
}

/** The service's electronic seal, ready to sign: its key and certificate, and the CA's above it. */
export interface ServiceSeal {
  signer: CaSigner;
  certificateDer: Uint8Array;
  caCertificateDer: Uint8Array;
}

export interface SealRuntimeDeps {
  pki: Pick<PkiStore, 'findCaCertificate' | 'findSealCertificate' | 'saveSealCertificate'>;
  /**
   * The seal key (a KMS key of its own on AWS, `seal-key.pem` locally). The pki function needs its
   * public key only, to have the CA certify it; the signing function signs with it.
   */
  signer: CaSigner;
  clock: Clock;
  settings: SealSettings;
  /** The CA, where the function holds the CA key (pki): it then makes the seal certificate on first use. */
  authority?: () => Promise<CertificateAuthority>;
}

/**
 * The service's seal. Its certificate is made once per seal key, on first use, by the function
 * that holds the CA (pki), exactly as the TSA's, and is kept under the key's hash; the sealing
 * function (signing) reads it.
 */
export function serviceSeal(deps: SealRuntimeDeps): () => Promise<ServiceSeal> {
  let ready: Promise<ServiceSeal> | undefined;
  return () => {
    ready ??= loadOrCreate(deps).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}

async function loadOrCreate(deps: SealRuntimeDeps): Promise<ServiceSeal> {
  const { pki, signer, settings } = deps;
  const authority = deps.authority;
  const pem = await serviceCertificatePem({
    signer,
    find: (keyHash) => pki.findSealCertificate(keyHash),
    save: (keyHash, certificate, at) => pki.saveSealCertificate(keyHash, certificate, at),
    ...(authority ? { issue: async (spki: Uint8Array, now: Date) => (await authority()).issueSealCertificate({ spki, commonName: settings.commonName, now, validityYears: settings.validityYears }) } : {}),
    clock: deps.clock,
    missing: 'There is no seal certificate for this seal key yet: the pki function makes it on first use (at its start and on its daily run)',
  });
  const certificateDer = fromPem(pem, 'CERTIFICATE');
  const caCertificateDer = authority ? (await authority()).certificate.der : fromPem(await storedCaCertificate(pki), 'CERTIFICATE');
  // A record that is not this CA's (a table restored under another CA) would seal untrusted PDFs.
  const certificate = new X509Certificate(certificateDer);
  const ca = new X509Certificate(caCertificateDer);
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) throw new Error('The stored seal certificate was not issued by this CA');
  const certifiedKey = certificate.publicKey.export({ type: 'spki', format: 'der' });
  if (!certifiedKey.equals(Buffer.from(await signer.publicKeySpki()))) throw new Error('The stored seal certificate is not for this seal key');
  if (new Date(certificate.validTo) <= deps.clock.now()) {
    throw new Error(`The seal certificate expired at ${certificate.validTo}: give the seal a new key (SERVICE_SEAL_KEY_ID), which gets a new certificate`);
  }
  return { signer, certificateDer, caCertificateDer };
}

/** The seal's settings as configured for a function: CN "<service> Segel Elektronik". */
export function sealSettingsFromConfig(config: Pick<Config, 'SERVICE_NAME'>): SealSettings {
  return { commonName: `${config.SERVICE_NAME} Segel Elektronik`, validityYears: SEAL_VALIDITY_YEARS };
}

/** The serials of the certificates the CA made for the service's own keys (its TSA, its seal): never revoked, so good. */
export async function serviceSerialNumbers(pki: Pick<PkiStore, 'tsaSerialNumbers' | 'sealSerialNumbers'>): Promise<string[]> {
  const [tsa, seal] = await Promise.all([pki.tsaSerialNumbers(), pki.sealSerialNumbers()]);
  return [...tsa, ...seal];
}
