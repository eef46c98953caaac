import { createHash } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { CaSigner } from '../../ports/ca-signer.js';

/**
 * The CA key in KMS (ECC_NIST_P256, SIGN_VERIFY). The SHA-256 is computed here and KMS signs the
 * digest (`MessageType: 'DIGEST'`): a RAW message is limited to 4,096 bytes, which a CRL of a few
 * hundred entries already exceeds, while a digest is always 32 bytes. The signature is the DER
 * ECDSA-Sig-Value KMS returns, unchanged.
 */
export class KmsCaSigner implements CaSigner {
  private publicKey?: Uint8Array;

  constructor(private readonly kms: KMSClient, private readonly keyId: string) {}

  async signSha256(data: Uint8Array): Promise<Uint8Array> {
    const digest = createHash('sha256').update(data).digest();
    const result = await this.kms.send(new SignCommand({
      KeyId: this.keyId,
      Message: digest,
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    }));
    if (!result.Signature) throw new Error('KMS returned no signature');
    return result.Signature;
  }

  async publicKeySpki(): Promise<Uint8Array> {
    if (!this.publicKey) {
      const result = await this.kms.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
      if (!result.PublicKey) throw new Error('KMS returned no public key');
      this.publicKey = result.PublicKey;
    }
    return this.publicKey;
  }
}
