import type { RevocationProvider } from '@libpdf/core';
import type { BlobStore, PkiStore } from '../ports/pki.js';
import type { Clock } from '../ports/runtime.js';

// A CRL is replaced on every revocation and daily; a minute-old copy is as good for a DSS and
// saves a table read and an object read per signature (and per certificate of its chains).
const CACHE_MILLISECONDS = 60_000;

/**
 * Revocation data for a signature's DSS: the CA's latest published CRL (made on every revocation
 * and daily), read as published. Signing never signs with the CA key, so it never makes one.
 */
export class PublishedCrlRevocation implements RevocationProvider {
  private cached: { until: number; der: Promise<Uint8Array | null> } | undefined;

  constructor(private readonly deps: { pki: Pick<PkiStore, 'crlState'>; blobs: Pick<BlobStore, 'get'>; clock: Clock }) {}

  getCRL(): Promise<Uint8Array | null> {
    const now = this.deps.clock.now().getTime();
    if (!this.cached || this.cached.until <= now) {
      const der = this.fetch();
      // A failed read is not kept: the next signature tries again.
      der.catch(() => { this.cached = undefined; });
      this.cached = { until: now + CACHE_MILLISECONDS, der };
    }
    return this.cached.der;
  }

  private async fetch(): Promise<Uint8Array | null> {
    const { published } = await this.deps.pki.crlState();
    if (!published) return null;
    return (await this.deps.blobs.get(published.objectKey)) ?? null;
  }
}
