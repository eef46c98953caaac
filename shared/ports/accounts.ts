import { AppError } from '../domain/errors.js';
import type { Role, UserStatus } from '../domain/user.js';
import type { FailureCounter, FailureKind, LockState } from '../domain/lockout.js';
import type { AttemptLeases } from './attempts.js';
import type { LinkTokenRecord } from './links.js';
import type { OutboxMessage } from './outbox.js';
import type { AuditEntry, Page, UserRecord } from './users.js';

/** What a person knows: the password hash, with the failure counters and lock that guard it. */
export interface Credential extends LockState {
  userId: string;
  /** argon2id, PHC string. */
  passwordHash: string;
  passwordChangedAt: string;
  /** Changes of the password or the device set are conditional on the version read. */
  version: number;
  /**
   * Sessions ever started (each login's transaction adds one): a change that ends every session
   * is conditional on the count it read before listing them, so no login slips in between.
   */
  sessionsStarted?: number;
}

/** What a person holds: an authenticator app, its TOTP secret sealed for this user and device. */
export interface OtpDevice {
  userId: string;
  deviceId: string;
  name: string;
  sealedSecret: string;
  createdAt: string;
  /** The time step of the last code accepted: that code, and older ones, are refused. */
  lastTimeStep?: number;
  lastUsedAt?: string;
}

/** A secret shown to the user (QR code) and not yet confirmed by a first code. */
export interface PendingDevice {
  deviceId: string;
  sealedSecret: string;
  createdAt: string;
}

export interface Account {
  credential?: Credential;
  /** Oldest first. */
  devices: OtpDevice[];
}

export interface SessionRecord {
  sessionHash: string;
  userId: string;
  tenantId: string;
  role: Role;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

/** Proof that the password was right, good for the OTP step only, for a few minutes. */
export interface LoginTicket {
  ticketHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  /** The credential's version when the password was checked: the session needs it unchanged. */
  credentialVersion?: number;
}

export type DeviceRequestKind = 'ADD_DEVICE' | 'RESET_AUTHENTICATOR';
export const deviceRequestStatuses = ['AWAITING_SELFIE', 'AWAITING_REVIEW', 'APPROVED', 'REJECTED', 'COMPLETED'] as const;
export type DeviceRequestStatus = (typeof deviceRequestStatuses)[number];

/** A request for a new authenticator (lost phone) or to restore a disabled account. */
export interface DeviceRequest {
  requestId: string;
  userId: string;
  tenantId: string;
  kind: DeviceRequestKind;
  status: DeviceRequestStatus;
  createdAt: string;
  updatedAt: string;
  selfie?: { photoId: string; objectKey: string; width: number; height: number; confirmedAt: string };
  decision?: { decision: 'APPROVE' | 'REJECT'; reason?: string; actorId: string; at: string };
  version: number;
}

/**
 * One change of an account, committed atomically with the records around it. Every part is
 * optional except the audit entry; the store turns a failed guard into the matching error.
 */
export interface AccountChange {
  userId: string;
  credential?: {
    /** The whole credential, written over any earlier one (setup, reactivation). */
    replace?: Credential;
    /** Conditional on this version, and bumps it (password and device-set changes). */
    expectedVersion?: number;
    password?: { passwordHash: string; changedAt: string };
    /** Counters (and the lock) a success clears. */
    clear?: readonly (keyof LockState)[];
  };
  addDevices?: readonly OtpDevice[];
  removeDevices?: readonly OtpDevice[];
  /** The code accepted on this device; fails as OTP_ALREADY_USED if that step was taken meanwhile. */
  acceptedOtp?: { device: OtpDevice; timeStep: number; at: string };
  /** The link this change uses up; fails as TOKEN_USED if it was used meanwhile. */
  consumeToken?: LinkTokenRecord;
  /** Tokens written whole: new links, or old ones marked revoked. */
  tokens?: readonly LinkTokenRecord[];
  user?: { next: UserRecord; fromStatuses: readonly UserStatus[] };
  startSession?: SessionRecord;
  /**
   * With startSession: the session starts only if the user is still ACTIVE (else ACCOUNT_DISABLED,
   * or LOGIN_TICKET_EXPIRED) and the credential still at this version (else LOGIN_TICKET_EXPIRED),
   * and it counts in the credential's sessionsStarted.
   */
  sessionGuard?: { credentialVersion: number };
  /** Login ticket used up by this change. */
  consumeTicket?: string;
  /** A pending device of a signed-in user, used up by this change. */
  consumeDeviceSetup?: string;
  endSessions?: readonly string[];
  /**
   * The credential's sessionsStarted read before endSessions was listed: CONFLICT if a login
   * started a session since (the caller reads and lists again).
   */
  sessionsStartedSeen?: number;
  /** A user who must still be ACTIVE when this commits (the operator who stays): LAST_OPERATOR otherwise. */
  keepActive?: string;
  request?: { next: DeviceRequest; fromStatuses: readonly DeviceRequestStatus[] };
  audit: AuditEntry;
  messages?: readonly OutboxMessage[];
}

const SESSIONS_RACED = 'a session started after the sessions were listed';
/** The store's refusal when a login started a session after the sessions to end were listed. */
export const sessionsRaced = () => new AppError('CONFLICT', [], { internal: SESSIONS_RACED });
/** True for that refusal: the caller reads, lists and commits again. */
export const isSessionsRace = (error: unknown) => error instanceof AppError && error.message === `CONFLICT: ${SESSIONS_RACED}`;

/** One slot per kind of self-service e-mail: a repeat of one request must not hold back another. */
export type RequestSlot = 'passwordResetRequestedAt' | 'deviceRequestRequestedAt'
  | 'enrollLinkRequestedAt' | 'passphraseChangeLinkRequestedAt' | 'passphraseResetLinkRequestedAt';

/** Credentials and devices of one user: read together in one round trip. */
export interface AccountStore {
  loadAccount(userId: string): Promise<Account>;
  commit(change: AccountChange): Promise<void>;
  /** Keeps the first pending device offered for a link; later calls get that same one. */
  reservePendingDevice(token: LinkTokenRecord, candidate: PendingDevice): Promise<PendingDevice>;
  saveDeviceSetup(userId: string, setup: PendingDevice, expiresAt: string): Promise<void>;
  findDeviceSetup(userId: string, setupId: string): Promise<(PendingDevice & { expiresAt: string }) | undefined>;
  /**
   * Marks that a self-service e-mail is being sent; false if one was queued since `notBefore`, so
   * repeated or duplicated requests send one e-mail, not many.
   */
  claimRequestSlot(userId: string, slot: RequestSlot, at: string, notBefore: string): Promise<boolean>;
}

/** Failed attempts, counted atomically however many arrive at once. */
export interface LockoutStore {
  /** Counts one failure; returns the counter after it (a stale window starts over at 1). */
  recordFailure(userId: string, kind: FailureKind, now: Date): Promise<FailureCounter>;
  /** Writes the lock unless one is in force; true for the one caller that wrote it. */
  lock(userId: string, lock: { until: string; cause: FailureKind }, now: Date, extra: { audit: AuditEntry; message: OutboxMessage }): Promise<boolean>;
  /**
   * The attempt lease for one kind of secret on this credential: one password (or one OTP code)
   * tested at a time, only while no lock of that kind is in force and its counter is below the
   * limit; a wrong one counted as recordFailure does, a right one leaves the counters alone.
   */
  attempts(userId: string, kind: FailureKind): AttemptLeases;
}

export interface SessionStore {
  findSession(sessionHash: string): Promise<SessionRecord | undefined>;
  /** Slides the idle expiry; a session ended meanwhile stays ended. */
  touchSession(sessionHash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void>;
  /** The hashes of the user's sessions (consistent read: none started before is missed). */
  listUserSessions(userId: string): Promise<string[]>;
  endSession(userId: string, sessionHash: string): Promise<void>;
  issueTicket(ticket: LoginTicket): Promise<void>;
  findTicket(ticketHash: string): Promise<LoginTicket | undefined>;
}

export interface DeviceRequestStore {
  findRequest(requestId: string): Promise<DeviceRequest | undefined>;
  listRequests(query: { tenantId: string; status: DeviceRequestStatus; limit: number; cursor?: string }): Promise<Page<DeviceRequest>>;
}
