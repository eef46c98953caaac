import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import { checkOtp } from '../../../shared/domain/otp.js';
import type { Account, OtpDevice, PendingDevice } from '../../../shared/ports/accounts.js';
import type { UserRecord } from '../../../shared/ports/users.js';
import type { AccountsDeps } from './deps.js';
import { auditEntry, displayName, self } from './guards.js';
import { newPendingDevice, openPending, presentSecret } from './authenticator-offer.js';

/** The agencies' rule: at most three authenticator devices; a fourth replaces the oldest. */
export const MAX_DEVICES = 3;
const DEVICE_SETUP_MS = 10 * 60_000;

export const deviceView = ({ deviceId, name, createdAt, lastUsedAt }: OtpDevice) => ({ deviceId, name, createdAt, ...(lastUsedAt ? { lastUsedAt } : {}) });

async function signedInUser(deps: Pick<AccountsDeps, 'users'>, actor: Actor): Promise<UserRecord> {
  const user = await deps.users.findUser(actor.actorId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  return user;
}

export async function listDevices(deps: Pick<AccountsDeps, 'accounts'>, input: { actor: Actor }) {
  const { devices } = await deps.accounts.loadAccount(input.actor.actorId);
  return { items: devices.map(deviceView) };
}

/** Removes one of the user's devices, never the last; "[TTE] Pembaruan Perangkat OTP". */
export async function removeDevice(deps: AccountsDeps, input: { actor: Actor; deviceId: string }) {
  const now = deps.clock.now();
  const [user, account] = await Promise.all([signedInUser(deps, input.actor), deps.accounts.loadAccount(input.actor.actorId)]);
  const device = account.devices.find((candidate) => candidate.deviceId === input.deviceId);
  if (!device || !account.credential) throw new AppError('DEVICE_NOT_FOUND');
  if (account.devices.length <= 1) throw new AppError('LAST_DEVICE');
  const at = now.toISOString();
  await deps.accounts.commit({
    userId: user.userId,
    credential: { expectedVersion: account.credential.version },
    removeDevices: [device],
    audit: auditEntry(deps, now, self(user), 'OTP_DEVICE_REMOVED', user),
    messages: [await deps.composer.compose('otpDeviceChanged', user.email, {
      fullName: displayName(user), change: 'REMOVED', deviceName: device.name, removedDeviceName: '', changedAt: at,
    }, {})],
  });
}

/** A signed-in user starts adding a device: a secret to scan, kept 10 minutes for the first code. */
export async function startDeviceSetup(deps: AccountsDeps, input: { actor: Actor }) {
  const now = deps.clock.now();
  const user = await signedInUser(deps, input.actor);
  const { pending, secret } = await newPendingDevice(deps, user.userId, now);
  const expiresAt = new Date(now.getTime() + DEVICE_SETUP_MS).toISOString();
  await deps.accounts.saveDeviceSetup(user.userId, pending, expiresAt);
  return { setupId: pending.deviceId, expiresAt, otp: await presentSecret(deps, user, secret) };
}

/**
 * Adds a device once its first code is right. With three already, the oldest is removed in the
 * same transaction (guarded by the account's version, so two adds at once cannot keep four).
 */
export async function commitNewDevice(
  deps: AccountsDeps,
  input: { user: UserRecord; account: Account; pending: PendingDevice; deviceName: string; otp: string; now: Date },
  extra: Pick<Parameters<AccountsDeps['accounts']['commit']>[0], 'consumeToken' | 'consumeDeviceSetup' | 'request'> = {},
): Promise<OtpDevice> {
  const { user, account, pending, now } = input;
  if (!account.credential) throw new AppError('ACCOUNT_NOT_ACTIVE');
  const check = await checkOtp(await openPending(deps, user.userId, pending), input.otp, now);
  if (!check.valid) throw new AppError('INVALID_OTP');
  const at = now.toISOString();
  const device: OtpDevice = {
    userId: user.userId, deviceId: pending.deviceId, name: input.deviceName, sealedSecret: pending.sealedSecret, createdAt: at, lastTimeStep: check.timeStep,
  };
  const evicted = account.devices.slice(0, Math.max(0, account.devices.length - (MAX_DEVICES - 1)));
  await deps.accounts.commit({
    userId: user.userId,
    credential: { expectedVersion: account.credential.version },
    addDevices: [device],
    removeDevices: evicted,
    ...extra,
    audit: auditEntry(deps, now, self(user), 'OTP_DEVICE_ADDED', user),
    messages: [await deps.composer.compose('otpDeviceChanged', user.email, {
      fullName: displayName(user), change: 'ADDED', deviceName: device.name, removedDeviceName: evicted.map((old) => old.name).join(', '), changedAt: at,
    }, {})],
  });
  return device;
}

/** Completes adding a device started with startDeviceSetup. */
export async function addDevice(deps: AccountsDeps, input: { actor: Actor; setupId: string; deviceName: string; otp: string }) {
  const now = deps.clock.now();
  const [user, account, pending] = await Promise.all([
    signedInUser(deps, input.actor),
    deps.accounts.loadAccount(input.actor.actorId),
    deps.accounts.findDeviceSetup(input.actor.actorId, input.setupId),
  ]);
  // TTL deletion lags: an expired setup is gone for the user.
  if (!pending || new Date(pending.expiresAt) <= now) throw new AppError('DEVICE_SETUP_NOT_FOUND');
  const device = await commitNewDevice(deps, { user, account, pending, deviceName: input.deviceName, otp: input.otp, now }, { consumeDeviceSetup: pending.deviceId });
  return deviceView(device);
}
