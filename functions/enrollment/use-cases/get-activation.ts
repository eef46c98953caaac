import { AppError } from '../../../shared/domain/errors.js';
import { privacyPolicy } from '../../../shared/domain/privacy-policy.js';
import { usableToken } from '../../../shared/links.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';
import type { UserDirectory, UserRecord } from '../../../shared/ports/users.js';
import type { Clock } from '../../../shared/ports/runtime.js';

export interface GetActivationDeps {
  tenants: Pick<TenantDirectory, 'findTenant'>;
  users: Pick<UserDirectory, 'findToken' | 'findUser'>;
  clock: Clock;
  settings: { privacyMinReadSeconds: number };
}

/** Which activation steps the user has completed. */
export function activationSteps(user: UserRecord) {
  return {
    identity: user.identity !== undefined,
    employment: user.employment !== undefined,
    ktpPhoto: user.ktpPhotoId !== undefined,
    selfie: user.selfiePhotoId !== undefined,
    privacyPolicy: user.privacyPolicyViewedAt !== undefined,
  };
}

/**
 * What the agency's list (or the person's own application) said of the job, for the employment
 * step to show until the employee saves what is true.
 */
function employmentPrefill(user: UserRecord) {
  return user.employmentPrefill && Object.keys(user.employmentPrefill).length > 0 ? user.employmentPrefill : undefined;
}

/** What the activation page shows when the employee opens the link from the e-mail. */
export async function getActivation(deps: GetActivationDeps, input: { token: string }) {
  const token = await usableToken(deps.users, input.token, 'activate', deps.clock.now());
  const [user, tenant] = await Promise.all([deps.users.findUser(token.userId), deps.tenants.findTenant(token.tenantId)]);
  if (!user || !tenant) throw new AppError('TOKEN_NOT_FOUND');
  const prefill = employmentPrefill(user);
  return {
    fullName: user.fullName,
    email: user.email,
    tenantName: tenant.name,
    steps: activationSteps(user),
    privacyPolicy: { version: privacyPolicy.version, minReadSeconds: deps.settings.privacyMinReadSeconds },
    ...(prefill ? { prefill } : {}),
  };
}
