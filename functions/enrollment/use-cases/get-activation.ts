import { AppError } from '../../../shared/domain/errors.js';
import { privacyPolicy } from '../../../shared/domain/privacy-policy.js';
import { hashToken, isWellFormedToken, type TokenPurpose } from '../../../shared/domain/tokens.js';
import type { LinkTokenRecord, TenantDirectory, UserDirectory, UserRecord } from '../../../shared/ports/directory.js';
import type { Clock } from '../../../shared/ports/runtime.js';

export interface GetActivationDeps {
  tenants: Pick<TenantDirectory, 'findTenant'>;
  users: Pick<UserDirectory, 'findToken' | 'findUser'>;
  clock: Clock;
  settings: { privacyMinReadSeconds: number };
}

/**
 * The token behind a link, if it may still be used for `purpose`. Unknown (or for another
 * purpose) is 404; replaced or past its time is TOKEN_EXPIRED; consumed is TOKEN_USED.
 */
export async function usableToken(
  users: Pick<UserDirectory, 'findToken'>,
  rawToken: string,
  purpose: TokenPurpose,
  now: Date,
): Promise<LinkTokenRecord> {
  const token = isWellFormedToken(rawToken) ? await users.findToken(hashToken(rawToken)) : undefined;
  if (!token || token.purpose !== purpose) throw new AppError('TOKEN_NOT_FOUND');
  if (token.usedAt) throw new AppError('TOKEN_USED');
  if (token.revokedAt) {
    throw new AppError('TOKEN_EXPIRED', [], {
      detail: {
        id: 'Tautan ini sudah diganti dengan tautan yang lebih baru. Gunakan tautan pada e-mail aktivasi terakhir.',
        en: 'This link was replaced by a newer one. Use the link in the latest activation e-mail.',
      },
    });
  }
  if (new Date(token.expiresAt) <= now) throw new AppError('TOKEN_EXPIRED');
  return token;
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

/** What the activation page shows when the employee opens the link from the e-mail. */
export async function getActivation(deps: GetActivationDeps, input: { token: string }) {
  const token = await usableToken(deps.users, input.token, 'activate', deps.clock.now());
  const [user, tenant] = await Promise.all([deps.users.findUser(token.userId), deps.tenants.findTenant(token.tenantId)]);
  if (!user || !tenant) throw new AppError('TOKEN_NOT_FOUND');
  return {
    fullName: user.fullName,
    email: user.email,
    tenantName: tenant.name,
    steps: activationSteps(user),
    privacyPolicy: { version: privacyPolicy.version, minReadSeconds: deps.settings.privacyMinReadSeconds },
  };
}
