import type { Role, UserListing, UserStatus } from '../domain/user.js';
import type { UsageCount } from '../domain/usage.js';
import type { LinkTokenRecord } from './links.js';
import type { TokenPurpose } from '../domain/tokens.js';
import type { OutboxMessage } from './outbox.js';
import type { AuditEntry } from './audit.js';

export type EmploymentType = 'ASN' | 'POLRI' | 'OTHER';

/** Identity as on the KTP; the NIK itself is sealed, indexed by an HMAC, shown by its last digits. */
export interface IdentityData {
  fullName: string;
  nikSealed: string;
  nikIndex: string;
  nikLast4: string;
  birthDate: string;
  gender: 'MALE' | 'FEMALE';
}

export interface EmploymentData {
  employmentType: EmploymentType;
  nip?: string;
  /** The birth date the NIP encodes, kept to check it against the NIK's. */
  nipBirthDate?: string;
  nrp?: string;
  position: string;
  unitName: string;
  provinceCode: string;
  provinceName: string;
  cityCode: string;
  cityName: string;
}

/** Employment details an agency's list gave, never checked against the registry until the employee confirms them. */
export interface EmploymentPrefill {
  nip?: string;
  position?: string;
  unitName?: string;
}

export interface ScreeningResult {
  outcome: 'MATCH' | 'NO_MATCH' | 'NOT_APPLICABLE' | 'REGISTRY_UNAVAILABLE';
  checkedAt: string;
  /** Why it did not match, for the verifier (never the NIK itself). */
  mismatches?: string[];
  registry?: { fullName: string; position: string; unitName: string; agency: string };
}

export interface UserRecord {
  userId: string;
  tenantId: string;
  role: Role;
  fullName: string;
  email: string;
  phone?: string;
  status: UserStatus;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  activationTokenHash?: string;
  activationExpiresAt?: string;
  /** Optimistic lock: every change is conditional on the version read. */
  version: number;
  identity?: IdentityData;
  employment?: EmploymentData;
  ktpPhotoId?: string;
  selfiePhotoId?: string;
  privacyPolicyViewedAt?: string;
  privacyPolicyVersion?: string;
  consent?: { version: string; acceptedAt: string; sourceIp: string };
  submittedAt?: string;
  screening?: ScreeningResult;
  decision?: { decision: 'APPROVE' | 'REJECT'; reason?: string; actorId: string; at: string };
  /** The approval workflow's task token while the user waits for a verifier. */
  reviewTaskToken?: string;
  /** Links made up to this time no longer work (the account was marked compromised). */
  linksRevokedAt?: string;
  /**
   * A link sent again replaces the ones of its purpose made up to `at`: only `keep` (the new
   * one's hash) of those still works. Links made later (a renewal asked for afterwards) are not affected.
   */
  linksReplaced?: Partial<Record<TokenPurpose, { at: string; keep: string }>>;
  /** Why the account was disabled, and by whom. */
  disabled?: { reason: string; actorId: string; at: string };
  /** Why the approval workflow stopped, when it failed after its retries. */
  workflowFailure?: { error: string; at: string };
  /** The agency's request letter (surat permohonan) filed with the registration; the letter itself is the agency's. */
  requestLetterId?: string;
  /** What the agency's list said of the person's job: shown in the employment step for them to confirm or correct. */
  employmentPrefill?: EmploymentPrefill;
  /**
   * The person applied on their own (POST /v1/applications; the NIP they gave is in
   * `employmentPrefill`): when, and, in a tenant that reviews applications, that no link has gone
   * out yet because a verifier has still to confirm it.
   */
  selfApplication?: { appliedAt: string; awaitingConfirmation?: true };
}

// The audit entry lives with its own port; it is named here too because every user change carries one.
export type { AuditEntry } from './audit.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Registration {
  user: UserRecord;
  /** Absent (with the message) while a self-application waits for a verifier's confirmation. */
  token?: LinkTokenRecord;
  audit: AuditEntry;
  message?: OutboxMessage;
  /** Mail to others about it, in the same transaction (a held self-application tells the verifiers). */
  notices?: OutboxMessage[];
}

/**
 * A change to one user, committed atomically: the new record (its version one above the one
 * read), the link tokens it creates or revokes, its audit entry and its e-mails.
 */
export interface UserChange {
  user: UserRecord;
  tokens?: LinkTokenRecord[];
  audit: AuditEntry;
  messages?: OutboxMessage[];
  /** The statuses the stored user must still be in, besides having the version read. */
  fromStatuses?: readonly UserStatus[];
  /** Uniqueness claims this change gives up (a rejected applicant may be registered again). */
  releaseClaims?: { email?: string; nikIndex?: string };
  /** The billable event this change is (an approval), counted in its transaction. */
  usage?: UsageCount;
  /**
   * The application ended without an account (rejected, expired): its photos are deleted once
   * the retention period after this change has passed.
   */
  closesApplication?: true;
}

export interface UserDirectory {
  /** Creates the user, its e-mail claim, token, audit entry and e-mail atomically. */
  register(registration: Registration): Promise<void>;
  /** Commits a change made on a version read earlier; CONFLICT when the user changed meanwhile. */
  commitUserChange(change: UserChange): Promise<void>;
  findUser(userId: string): Promise<UserRecord | undefined>;
  /**
   * The profile with its latest changes (at most 100), oldest first. Reads of the person's data by
   * others are left out: they are in the audit trail (AuditTrail), with everything else.
   */
  findUserWithHistory(userId: string): Promise<{ user: UserRecord; history: AuditEntry[] } | undefined>;
  findToken(tokenHash: string): Promise<LinkTokenRecord | undefined>;
  /** The user holding this (normalised) e-mail address, if any. */
  findUserIdByEmail(email: string): Promise<string | undefined>;
  /** The user who claimed this NIK (by its keyed index; see Pseudonymizer), if any. */
  findUserIdByNikIndex(nikIndex: string): Promise<string | undefined>;
  /**
   * A page of the tenant's users, newest first (oldest first in one status: the review queue).
   * With `search`, only those whose name or e-mail contains it, ignoring case; such a page may
   * hold fewer than `limit` users, even none, and still have a next page.
   */
  listUsers(query: { tenantId: string; status?: UserListing; limit: number; cursor?: string; search?: string }): Promise<Page<UserRecord>>;
}
