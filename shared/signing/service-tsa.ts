import type { TimestampAuthority } from '../pki/timestamp-authority.js';
import type { SigningTimestampAuthority } from './pdf-signature.js';

/**
 * The service's own TSA as the signing core asks for one: called in-process, no HTTP hop. Its
 * certificate and the CA's travel along for the DSS, so no signature has to read them back out
 * of its token.
 */
export const inProcessTimestamps = (tsa: () => Promise<TimestampAuthority>) => async (): Promise<SigningTimestampAuthority> => {
  const authority = await tsa();
  return {
    timestamp: (digest, algorithm) => authority.timestamp({ digest, algorithm }),
    certificates: [authority.certificate.der, authority.caCertificate],
  };
};
