import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { openEnvelope, parseEnvelope, sealEnvelope } from '../../crypto/envelope.js';
import type { KeyWrapper } from '../../ports/key-wrapper.js';
import type { SealingContext } from '../../ports/sealer.js';

/**
 * Envelope encryption under a KMS key: each wrap asks KMS for a fresh AES-256 data key
 * (GenerateDataKey, the context as the encryption context), encrypts locally with it and keeps
 * only its encrypted form; unwrap has KMS decrypt that data key under the same context. The
 * plaintext never goes to KMS, and the plaintext data key is zeroed as soon as it has been used.
 */
export class KmsKeyWrapper implements KeyWrapper {
  constructor(private readonly kms: KMSClient, private readonly keyId: string) {}

  async wrap(plaintext: Uint8Array, context: SealingContext): Promise<string> {
    const result = await this.kms.send(new GenerateDataKeyCommand({
      KeyId: this.keyId,
      KeySpec: 'AES_256',
      EncryptionContext: { ...context },
    }));
    if (!result.Plaintext || !result.CiphertextBlob) {
      result.Plaintext?.fill(0);
      throw new Error('KMS returned no data key');
    }
    return sealEnvelope(plaintext, { plaintext: result.Plaintext, encrypted: result.CiphertextBlob }, context);
  }

  async unwrap(wrapped: string, context: SealingContext): Promise<Uint8Array> {
    const envelope = parseEnvelope(wrapped);
    const result = await this.kms.send(new DecryptCommand({
      KeyId: this.keyId,
      CiphertextBlob: envelope.encryptedDataKey,
      EncryptionContext: { ...context },
    }));
    if (!result.Plaintext) throw new Error('KMS returned no data key');
    return openEnvelope(envelope, result.Plaintext, context);
  }
}
