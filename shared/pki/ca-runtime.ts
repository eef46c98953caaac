import { required, type Config } from '../config.js';
import type { CaSigner } from '../ports/ca-signer.js';
import type { PkiStore } from '../ports/pki.js';
import type { Clock } from '../ports/runtime.js';
import { CertificateAuthority, createCaCertificate, parseCaCertificate, type CaProfileSettings } from './certificate-authority.js';

export interface CaSettings extends CaProfileSettings {
  /** The CA certificate's subject (made once, at the first use). */
  caCommonName: string;
  caOrganizationName: string;
  caValidityYears: number;
}

/**
 * The CA of this deployment, ready to sign. The CA certificate is made once, on first use, by
 * whichever function gets there first (a conditional put decides; the others read the winner),
 * so there is no bootstrap step to forget and nothing to do twice.
 */
export function certificateAuthority(deps: { pki: PkiStore; signer: CaSigner; clock: Clock; settings: CaSettings }): () => Promise<CertificateAuthority> {
  let ready: Promise<CertificateAuthority> | undefined;
  return () => {
    ready ??= loadOrCreate(deps).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}

async function loadOrCreate(deps: { pki: PkiStore; signer: CaSigner; clock: Clock; settings: CaSettings }): Promise<CertificateAuthority> {
  const { pki, signer, settings } = deps;
  let pem = await pki.findCaCertificate();
  if (!pem) {
    const now = deps.clock.now();
    const made = await createCaCertificate(signer, {
      commonName: settings.caCommonName, organizationName: settings.caOrganizationName, now, validityYears: settings.caValidityYears,
    });
    pem = (await pki.saveCaCertificate(made.pem, now.toISOString())) ? made.pem : await pki.findCaCertificate();
    if (!pem) throw new Error('The CA certificate vanished right after it was stored');
  }
  // The CA checks on its first signature that the stored certificate belongs to the signer's key.
  return new CertificateAuthority(signer, parseCaCertificate(pem), settings);
}

/** The CA's settings as configured for a function (PUBLIC_BASE_URL is required where a CA signs). */
export function caSettingsFromConfig(config: Config): CaSettings {
  return {
    publicBaseUrl: required(config, 'PUBLIC_BASE_URL'),
    policyOid: config.CERTIFICATE_POLICY_OID,
    validityDays: config.CERTIFICATE_VALIDITY_DAYS,
    caCommonName: config.CA_COMMON_NAME,
    caOrganizationName: config.CA_ORGANIZATION_NAME,
    caValidityYears: config.CA_VALIDITY_YEARS,
  };
}
