import type { RevocationProvider } from '@libpdf/core';
import type { BlobStore, PkiStore } from '../ports/pki.js';

/**
 * Revocation data for a signature's DSS: the CA's latest published CRL (made on every revocation
 * and daily), read as published. Signing never signs with the CA key, so it never makes one.
 */
export class PublishedCrlRevocation implements RevocationProvider {
  constructor(private readonly deps: { pki: Pick<PkiStore, 'crlState'>; blobs: Pick<BlobStore, 'get'> }) {}

  async getCRL(): Promise<Uint8Array | null> {
    const { published } = await this.deps.pki.crlState();
    if (!published) return null;
    return (await this.deps.blobs.get(published.objectKey)) ?? null;
  }
}
