import type { DataChangeOrigin, DataChangeSnapshot, DataChangeStatus, DataChangeValues } from '../domain/data-changes.js';
import type { RevocationReason } from '../domain/certificates.js';
import type { Role } from '../domain/user.js';
import type { Page, UserRecord } from './users.js';

/** One data change (Perubahan Data), from the request to its decision (and a new address's confirmation). */
export interface DataChangeRequest {
  requestId: string;
  userId: string;
  tenantId: string;
  origin: DataChangeOrigin;
  /** The person who asked (the user, or the verifier who proposed it). */
  requestedBy: string;
  status: DataChangeStatus;
  /** The fields that change, with their new values. */
  changes: DataChangeValues;
  /** Those fields as they stood when asked: what the other party confirms against. */
  previous: DataChangeSnapshot;
  reason: string;
  /** The certificate held (SUSPENDED) while the change waited. */
  suspendedSerial?: string;
  createdAt: string;
  updatedAt: string;
  decision?: { decision: 'APPROVE' | 'REJECT'; reason?: string; actorId: string; actorRole: Role; at: string };
  /** The certificate the approval revoked, and why. */
  revoked?: { serialNumber: string; reason: RevocationReason };
  /** A new e-mail address is applied only once a link sent to it is opened. */
  email?: { address: string; status: 'AWAITING_CONFIRMATION' | 'CONFIRMED'; confirmedAt?: string };
  version: number;
}

/**
 * What a data change writes beside a certificate change, in the same transaction (see
 * CertificateChange.dataChange): the request, the user's one pending slot, the profile, the
 * e-mail claim.
 */
export interface DataChangeWrite {
  request: DataChangeRequest;
  /** The statuses the stored request must still be in, on the version before; absent for a new request. */
  fromStatuses?: readonly DataChangeStatus[];
  /** Takes the user's one pending slot (DATA_CHANGE_PENDING when taken), or gives it back. */
  pendingSlot?: 'CLAIM' | 'RELEASE';
  /** The profile as changed, on the version read. */
  user?: UserRecord;
  /** The e-mail claim moves to the new address (EMAIL_ALREADY_REGISTERED when someone holds it). */
  moveEmail?: { from: string; to: string };
}

export interface DataChangeStore {
  /** Strongly consistent: a decision reads the status it guards. */
  findRequest(requestId: string): Promise<DataChangeRequest | undefined>;
  /** The user's pending request, if one holds their slot. */
  findPendingRequestId(userId: string): Promise<string | undefined>;
  /** A tenant's requests from one side in one status, oldest first (the queue). */
  listTenantRequests(query: { tenantId: string; origin: DataChangeOrigin; status: DataChangeStatus; limit: number; cursor?: string }): Promise<Page<DataChangeRequest>>;
  /** A user's own requests, newest first, optionally in one status. */
  listUserRequests(query: { userId: string; status?: DataChangeStatus; limit: number; cursor?: string }): Promise<Page<DataChangeRequest>>;
}
