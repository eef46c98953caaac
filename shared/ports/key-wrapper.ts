import type { SealingContext } from './sealer.js';

/** Envelope encryption for key material: a fresh data key per wrap, itself encrypted under a master key with the context bound. AWS: KMS GenerateDataKey/Decrypt; locally: the key vault. */
export interface KeyWrapper {
  wrap(plaintext: Uint8Array, context: SealingContext): Promise<string>;
  /** Throws when the wrapped value or its context does not match. */
  unwrap(wrapped: string, context: SealingContext): Promise<Uint8Array>;
}
