import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { Pseudonymizer } from '../../ports/pseudonymizer.js';

/** HMAC-SHA-256 by a KMS HMAC key: the key never leaves KMS, the index is stable. */
export class KmsPseudonymizer implements Pseudonymizer {
  constructor(private readonly kms: KMSClient, private readonly keyId: string) {}

  async index(value: string, purpose: string): Promise<string> {
    const result = await this.kms.send(new GenerateMacCommand({
      KeyId: this.keyId,
      MacAlgorithm: 'HMAC_SHA_256',
      Message: Buffer.from(`${purpose}:${value}`, 'utf8'),
    }));
    if (!result.Mac) throw new Error('KMS returned no MAC');
    return Buffer.from(result.Mac).toString('hex');
  }
}
