import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { Sealer, SealingContext } from '../../ports/sealer.js';

/** KMS Encrypt/Decrypt for small secrets; the context is the KMS encryption context. */
export class KmsSealer implements Sealer {
  constructor(private readonly kms: KMSClient, private readonly keyId: string) {}

  async seal(plaintext: string, context: SealingContext): Promise<string> {
    const result = await this.kms.send(new EncryptCommand({
      KeyId: this.keyId,
      Plaintext: Buffer.from(plaintext, 'utf8'),
      EncryptionContext: { ...context },
    }));
    if (!result.CiphertextBlob) throw new Error('KMS returned no ciphertext');
    return Buffer.from(result.CiphertextBlob).toString('base64');
  }

  async open(sealed: string, context: SealingContext): Promise<string> {
    const result = await this.kms.send(new DecryptCommand({
      KeyId: this.keyId,
      CiphertextBlob: Buffer.from(sealed, 'base64'),
      EncryptionContext: { ...context },
    }));
    if (!result.Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(result.Plaintext).toString('utf8');
  }
}
