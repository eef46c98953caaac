import { p256 } from '@noble/curves/nist.js';
import { createPrivateKey } from 'node:crypto';
import type { Actor } from '../../../shared/domain/actor.js';
import { toPem } from '../../../shared/pki/encoding.js';
import { authorise, type SigningDeps } from './sign-pdfs.js';
import { resolveSigner, type SignerReference } from './signer.js';

export interface SignedHashes {
  certificatePem: string;
  chainPem: string[];
  /** DER ECDSA (P-256) signatures, one per hash, in order. */
  signatures: Uint8Array[];
}

/**
 * For integrators who build their own CMS (like the CSC API's signHash): raw ECDSA signatures over
 * SHA-256 hashes they computed, under one authorisation. The hash is signed as given (no second
 * hashing), so each signature verifies against the data the client hashed.
 */
export async function signHashes(
  deps: Pick<SigningDeps, 'users' | 'pseudonymizer' | 'certificates' | 'keyWrapper' | 'composer' | 'clock' | 'ids' | 'caCertificate' | 'ledger'>,
  /** `signer`: whom an integrator signs for; a person signs as themselves. */
  input: { actor: Actor; signer?: SignerReference; passphrase: string; hashes: readonly Uint8Array[] },
): Promise<SignedHashes> {
  const signer = await resolveSigner(deps, input.actor, input.signer);
  const now = deps.clock.now();
  const { certificate, pkcs8 } = await authorise(deps, signer, input.passphrase, now);
  const scalar = Buffer.from(String(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).d), 'base64url');
  pkcs8.fill(0);
  try {
    const signatures = input.hashes.map((hash) => p256.sign(hash, scalar, { prehash: false, format: 'der' }));
    // Signed hashes are answered only once they are recorded and counted (one transaction).
    await deps.ledger.recordHashes({
      batchId: deps.ids.newId(), tenantId: signer.tenantId, userId: signer.actorId,
      ...(signer.actorId === input.actor.actorId ? {} : { requestedBy: input.actor.actorId }),
      certificateSerial: certificate.serialNumber, signedAt: now.toISOString(),
      hashes: input.hashes.map((hash) => Buffer.from(hash).toString('hex')),
    });
    return { certificatePem: certificate.pem, chainPem: [toPem(await deps.caCertificate(), 'CERTIFICATE')], signatures };
  } finally {
    scalar.fill(0);
  }
}
