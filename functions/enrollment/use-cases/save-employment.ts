import { findCity, findProvince, isValidNrp, parseNip } from '../../../shared/domain/identity.js';
import { AppError, type FieldError } from '../../../shared/domain/errors.js';
import type { ActivationStore } from '../../../shared/ports/activation.js';
import type { EmploymentData, EmploymentType, UserDirectory } from '../../../shared/ports/users.js';
import type { Clock } from '../../../shared/ports/runtime.js';
import { usableToken } from '../../../shared/links.js';

export interface SaveEmploymentDeps {
  users: Pick<UserDirectory, 'findToken'>;
  activation: Pick<ActivationStore, 'saveEmployment'>;
  clock: Clock;
}

export interface EmploymentInput {
  employmentType: EmploymentType;
  nip?: string;
  nrp?: string;
  position: string;
  unitName: string;
  province: string;
  city: string;
}

/**
 * Activation step: employment. ASN give a NIP (its birth date must match the NIK's), Polri an
 * NRP and no NIP; everyone else may give a NIP. Province and city come from the shipped reference list,
 * by code or by name, and are stored as both.
 */
export async function saveEmployment(deps: SaveEmploymentDeps, input: { token: string } & EmploymentInput) {
  const now = deps.clock.now();
  const errors: FieldError[] = [];
  if (input.employmentType === 'ASN' && !input.nip) errors.push({ field: 'nip', code: 'REQUIRED' });
  if (input.employmentType === 'POLRI' && !input.nrp) errors.push({ field: 'nrp', code: 'REQUIRED' });
  if (input.employmentType !== 'POLRI' && input.nrp) errors.push({ field: 'nrp', code: 'UNKNOWN_FIELD' });
  if (input.employmentType === 'POLRI' && input.nip) errors.push({ field: 'nip', code: 'UNKNOWN_FIELD' });
  const nipFacts = input.nip ? parseNip(input.nip, now) : undefined;
  if (input.nip && !nipFacts) errors.push({ field: 'nip', code: 'NIP_INVALID' });
  if (input.nrp && !isValidNrp(input.nrp)) errors.push({ field: 'nrp', code: 'NRP_INVALID' });
  const province = findProvince(input.province);
  const city = province ? findCity(province.code, input.city) : undefined;
  if (!province) errors.push({ field: 'province', code: 'PROVINCE_INVALID' });
  else if (!city) errors.push({ field: 'city', code: 'CITY_INVALID' });
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', errors);

  const token = await usableToken(deps.users, input.token, 'activate', now);
  const employment: EmploymentData = {
    employmentType: input.employmentType,
    ...(input.nip ? { nip: input.nip, nipBirthDate: nipFacts!.birthDate } : {}),
    ...(input.nrp ? { nrp: input.nrp } : {}),
    position: input.position,
    unitName: input.unitName,
    provinceCode: province!.code,
    provinceName: province!.name,
    cityCode: city!.code,
    cityName: city!.name,
  };
  await deps.activation.saveEmployment(token, employment, now.toISOString());
  const { nipBirthDate: _internal, ...shown } = employment;
  return shown;
}
