import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { CaSigner } from '../../ports/ca-signer.js';

export class KmsCaSigner implements CaSigner {
  private publicKey?: Uint8Array;

  constructor(private readonly kms: KMSClient, private readonly keyId: string) {}

  async signSha256(data: Uint8Array): Promise<Uint8Array> {
    // KMS hashes RAW messages itself (up to 4 KB): TBS certificates and small CRLs fit.
    const result = await this.kms.send(new SignCommand({
      KeyId: this.keyId,
      Message: data,
      MessageType: 'RAW',
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
