import type { TimestampAuthority as PdfTimestampAuthority } from '@libpdf/core';
import type { TimestampAuthority } from '../pki/timestamp-authority.js';

/** The service's own TSA as @libpdf/core asks for one: called in-process, no HTTP hop. */
export const inProcessTimestamps = (tsa: () => Promise<TimestampAuthority>) => async (): Promise<PdfTimestampAuthority> => {
  const authority = await tsa();
  return { timestamp: (digest, algorithm) => authority.timestamp({ digest, algorithm }) };
};
