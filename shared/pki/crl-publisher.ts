import type { BlobStore, PkiStore, PublishedCrl } from '../ports/pki.js';
import type { Clock } from '../ports/runtime.js';
import type { CertificateAuthority } from './certificate-authority.js';

/** A CRL promises the next one within a day (nextUpdate ≤ 24 h). */
export const CRL_VALIDITY_HOURS = 24;
/** A CRL with less than this left is replaced when asked for, so a fetched CRL is always fresh. */
const REFRESH_WHEN_LEFT_HOURS = 12;

export interface CrlDeps {
  pki: PkiStore;
  blobs: BlobStore;
  authority: () => Promise<CertificateAuthority>;
  clock: Clock;
}

/**
 * Makes and publishes a CRL of every revocation so far.
 * 1. A new CRL number first, then the entries: a higher number always covers at least what a
 *    lower one did, so when two revocations race, the CRL that wins the pointer is complete.
 * 2. Entries of certificates already past their notAfter leave the CRL (RFC 5280 §3.3).
 * 3. The DER goes to object storage under its number; the pointer moves only forward.
 */
export async function publishCrl(deps: CrlDeps): Promise<PublishedCrl> {
  const now = deps.clock.now();
  const { crlNumber, revision } = await deps.pki.nextCrlNumber();
  const entries = (await deps.pki.listRevocations())
    .filter((entry) => new Date(entry.notAfter) > now)
    .map((entry) => ({ serialNumber: entry.serialNumber, revokedAt: new Date(entry.revokedAt), reason: entry.reason }));
  const nextUpdate = new Date(now.getTime() + CRL_VALIDITY_HOURS * 3_600_000);
  const authority = await deps.authority();
  const der = await authority.crl({ crlNumber, thisUpdate: now, nextUpdate, entries });
  const published: PublishedCrl = {
    crlNumber, revision, thisUpdate: now.toISOString(), nextUpdate: nextUpdate.toISOString(),
    objectKey: `crl/${String(crlNumber).padStart(12, '0')}.crl`, entries: entries.length, bytes: der.length,
  };
  await deps.blobs.put(published.objectKey, der, 'application/pkix-crl');
  await deps.pki.publishCrl(published);
  return published;
}

/** The CRL to serve: the published one, made anew first if a revocation came after it or it is getting old. */
export async function currentCrl(deps: CrlDeps): Promise<{ der: Uint8Array; crl: PublishedCrl }> {
  const state = await deps.pki.crlState();
  const now = deps.clock.now().getTime();
  let crl = state.published;
  const stale = !crl || crl.revision < state.revision || new Date(crl.nextUpdate).getTime() - now < REFRESH_WHEN_LEFT_HOURS * 3_600_000;
  if (stale) {
    await publishCrl(deps);
    crl = (await deps.pki.crlState()).published!;
  }
  const der = await deps.blobs.get(crl!.objectKey);
  if (!der) throw new Error(`CRL ${crl!.crlNumber} is missing from storage`);
  return { der, crl: crl! };
}
