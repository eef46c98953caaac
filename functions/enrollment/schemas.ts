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
