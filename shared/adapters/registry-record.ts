import * as z from 'zod';

/** A civil-service registry record as both registry adapters read it (API.md gives the shape). */
export const civilServiceRecord = z.object({
  employmentType: z.enum(['ASN', 'POLRI']),
  nip: z.string().optional(),
  nrp: z.string().optional(),
  nik: z.string(),
  fullName: z.string(),
  position: z.string(),
  unitName: z.string(),
  agency: z.string(),
});
