import * as z from 'zod';
import { isValidPersonName, normaliseIndonesianMobile, tidyPersonName } from '../../shared/domain/user.js';
import { fieldCode } from '../../shared/validation.js';
import { officialEmail } from '../../shared/http/schemas.js';

/** Field schemas shared by the enrollment routes and the CSV import, so both judge alike. */
export const personName = z.string().max(200).transform(tidyPersonName).refine(isValidPersonName, { params: fieldCode('NAME_INVALID') });
export const mobilePhone = z.string().max(40)
  .refine((value) => normaliseIndonesianMobile(value) !== undefined, { params: fieldCode('PHONE_INVALID') })
  .transform((value) => normaliseIndonesianMobile(value)!);

/** One employee to register: the POST /v1/users body, and one CSV row. */
export const registrationRow = z.strictObject({ fullName: personName, email: officialEmail, phone: mobilePhone.optional() });

/**
 * One row of an agency's list: a registration plus the employment details to prefill (checked as
 * the employment step checks them; the NIP's date rules are checked with the clock, in the import).
 */
export const importRow = registrationRow.extend({
  nip: z.string().trim().refine((nip) => /^\d{18}$/.test(nip), { params: fieldCode('NIP_INVALID') }).optional(),
  position: z.string().trim().min(1).max(200).optional(),
  unitName: z.string().trim().min(1).max(200).optional(),
});
