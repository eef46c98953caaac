import { newOtpSecret, otpauthUri, otpSecretSealingContext, qrPngDataUrl } from '../../../shared/domain/otp.js';
import type { PendingDevice } from '../../../shared/ports/accounts.js';
import type { LinkTokenRecord } from '../../../shared/ports/links.js';
import type { UserRecord } from '../../../shared/ports/users.js';
import type { AccountsDeps } from './deps.js';

export interface AuthenticatorOffer {
  secret: string;
  otpauthUri: string;
  qrPngDataUrl: string;
}

/** What a page shows to add an authenticator: the secret as text, the otpauth URI and its QR code. */
export async function presentSecret(deps: Pick<AccountsDeps, 'settings'>, user: UserRecord, secret: string): Promise<AuthenticatorOffer> {
  const uri = otpauthUri(deps.settings.serviceName, user.email, secret);
  return { secret, otpauthUri: uri, qrPngDataUrl: await qrPngDataUrl(uri) };
}

/** A new secret, sealed for the device it will become. */
export async function newPendingDevice(deps: Pick<AccountsDeps, 'sealer' | 'ids'>, userId: string, now: Date): Promise<{ pending: PendingDevice; secret: string }> {
  const secret = newOtpSecret();
  const deviceId = deps.ids.newId();
  const sealedSecret = await deps.sealer.seal(secret, otpSecretSealingContext(userId, deviceId));
  return { pending: { deviceId, sealedSecret, createdAt: now.toISOString() }, secret };
}

/**
 * The secret a link's page offers: made on the first visit and kept on the link, so opening the
 * page again (or on another tab) shows the same QR code until the first code confirms it.
 */
export async function offerForLink(deps: Pick<AccountsDeps, 'accounts' | 'sealer' | 'ids' | 'settings'>, token: LinkTokenRecord, user: UserRecord, now: Date): Promise<AuthenticatorOffer> {
  let pending = token.pendingDevice;
  let secret: string | undefined;
  if (!pending) {
    const fresh = await newPendingDevice(deps, user.userId, now);
    pending = await deps.accounts.reservePendingDevice(token, fresh.pending);
    if (pending.deviceId === fresh.pending.deviceId) secret = fresh.secret;
  }
  secret ??= await deps.sealer.open(pending.sealedSecret, otpSecretSealingContext(user.userId, pending.deviceId));
  return presentSecret(deps, user, secret);
}

/** The secret a link offered, opened to check the first code against it. */
export async function openPending(deps: Pick<AccountsDeps, 'sealer'>, userId: string, pending: PendingDevice): Promise<string> {
  return deps.sealer.open(pending.sealedSecret, otpSecretSealingContext(userId, pending.deviceId));
}
