import { randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/domain/errors.js';
import { hashToken, isWellFormedToken, newLinkToken } from '../../../shared/domain/tokens.js';
import { idleExpiry } from '../../../shared/domain/sessions.js';
import { normaliseEmail } from '../../../shared/domain/user.js';
import type { SessionRecord } from '../../../shared/ports/accounts.js';
import type { UserRecord } from '../../../shared/ports/users.js';
import type { AccountsDeps } from './deps.js';
import { assertNotLocked, auditEntry, matchOtp, self, tryCredential } from './guards.js';

// The password step proves little on its own: its ticket is good for the OTP step, briefly.
const LOGIN_TICKET_MS = 5 * 60_000;

// Unknown addresses still pay for one password check, so timing does not tell who has an account.
let decoyHash: Promise<string> | undefined;
const decoy = (deps: Pick<AccountsDeps, 'passwords'>) => (decoyHash ??= deps.passwords.hash(randomBytes(16).toString('base64url')));

async function loadLoginAccount(deps: AccountsDeps, userId: string) {
  const [user, account] = await Promise.all([deps.users.findUser(userId), deps.accounts.loadAccount(userId)]);
  return user && account.credential ? { user, account, credential: account.credential } : undefined;
}

/** Disabled accounts say so (after the password was right); any other inactive account cannot log in. */
function assertMayLogIn(user: UserRecord, otherwise: AppError): void {
  if (user.status === 'DISABLED') throw new AppError('ACCOUNT_DISABLED');
  if (user.status !== 'ACTIVE') throw otherwise;
}

/**
 * Login, step 1: e-mail and password.
 * 1. Unknown address, no password yet, or a wrong password: INVALID_CREDENTIALS alike, locked or
 *    not; a wrong password counts, under the account's password attempt lease (one at a time).
 * 2. Under a password lock no password is checked (INVALID_CREDENTIALS, after the decoy check);
 *    the right password under an OTP lock is told ACCOUNT_LOCKED.
 * 3. Right: a login ticket for the OTP step and the user's devices to choose from.
 */
export async function loginWithPassword(deps: AccountsDeps, input: { email: string; password: string }) {
  const now = deps.clock.now();
  const userId = await deps.users.findUserIdByEmail(normaliseEmail(input.email));
  const found = userId ? await loadLoginAccount(deps, userId) : undefined;
  if (!found) {
    await deps.passwords.verify(await decoy(deps), input.password);
    throw new AppError('INVALID_CREDENTIALS');
  }
  const { user, account, credential } = found;
  const tried = await tryCredential(deps, user, 'password', now, async (stillHeld) => {
    stillHeld();
    return (await deps.passwords.verify(credential.passwordHash, input.password)) ? { right: true, value: true } : { right: false };
  });
  if (!tried.right) {
    // Locked or not, a wrong password answers as an unknown address does (security.md F6); a try
    // refused under a password lock pays for the decoy check, so its timing says nothing either.
    if (tried.refused) await deps.passwords.verify(await decoy(deps), input.password);
    throw new AppError('INVALID_CREDENTIALS');
  }
  // Only the right password learns of a lock (an OTP lock: a password lock admits no password).
  assertNotLocked(credential, now);
  assertMayLogIn(user, new AppError('INVALID_CREDENTIALS'));
  const loginTicket = newLinkToken();
  await deps.sessions.issueTicket({
    ticketHash: hashToken(loginTicket), userId: user.userId, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + LOGIN_TICKET_MS).toISOString(),
    credentialVersion: credential.version,
  });
  return { loginTicket, devices: account.devices.map(({ deviceId, name }) => ({ deviceId, name })) };
}

/**
 * Login, step 2: the OTP code (from the device chosen, or any of the user's).
 * 1. The ticket must be live; the account still active and not locked.
 * 2. A wrong or replayed code counts as a failed OTP.
 * 3. Right: one transaction records the code's time step (a replay racing this one fails),
 *    uses up the ticket, clears the failure counters and starts the session.
 */
export async function loginWithOtp(deps: AccountsDeps, input: { loginTicket: string; otp: string; deviceId?: string }) {
  const now = deps.clock.now();
  const ticketHash = isWellFormedToken(input.loginTicket) ? hashToken(input.loginTicket) : undefined;
  const ticket = ticketHash ? await deps.sessions.findTicket(ticketHash) : undefined;
  if (!ticket || new Date(ticket.expiresAt) <= now) throw new AppError('LOGIN_TICKET_EXPIRED');
  const found = await loadLoginAccount(deps, ticket.userId);
  if (!found) throw new AppError('LOGIN_TICKET_EXPIRED');
  const { user, account, credential } = found;
  // A ticket got with a password that has been changed since is worth nothing.
  if (credential.passwordChangedAt > ticket.createdAt) throw new AppError('LOGIN_TICKET_EXPIRED');
  assertNotLocked(credential, now);
  assertMayLogIn(user, new AppError('LOGIN_TICKET_EXPIRED'));
  const { device, timeStep } = await matchOtp(deps, user, account.devices, input.otp, now, input.deviceId);

  const sessionToken = newLinkToken();
  const at = now.toISOString();
  const absoluteExpiresAt = new Date(now.getTime() + deps.settings.sessionMaxHours * 3600_000).toISOString();
  const session: SessionRecord = {
    sessionHash: hashToken(sessionToken),
    userId: user.userId,
    tenantId: user.tenantId,
    role: user.role,
    csrfToken: randomBytes(32).toString('base64url'),
    createdAt: at,
    lastSeenAt: at,
    idleExpiresAt: idleExpiry(now, deps.settings.sessionIdleMinutes, absoluteExpiresAt),
    absoluteExpiresAt,
  };
  const clear = (['failedPasswords', 'failedOtps'] as const).filter((name) => credential[name] !== undefined);
  await deps.accounts.commit({
    userId: user.userId,
    acceptedOtp: { device, timeStep, at },
    consumeTicket: ticket.ticketHash,
    startSession: session,
    // No session outlives a reset, a compromise or a disable that commits first (security.md F4).
    sessionGuard: { credentialVersion: ticket.credentialVersion ?? credential.version },
    ...(clear.length ? { credential: { clear } } : {}),
    audit: auditEntry(deps, now, self(user), 'LOGGED_IN', user),
  });
  return {
    sessionToken,
    csrfToken: session.csrfToken,
    expiresAt: absoluteExpiresAt,
    user: { userId: user.userId, role: user.role, tenantId: user.tenantId },
  };
}

/** Ends the session the request came with. */
export async function logout(deps: Pick<AccountsDeps, 'sessions'>, input: { userId: string; sessionHash: string }) {
  await deps.sessions.endSession(input.userId, input.sessionHash);
}
