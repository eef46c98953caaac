import type { PhotoKind, PhotoRecord } from './photos.js';
import type { LinkTokenRecord } from './links.js';
import type { AuditEntry, EmploymentData, IdentityData } from './users.js';

/** The writes of the activation steps, each guarded by the activation link and the user's status. */
export interface ActivationStore {
  saveIdentity(token: LinkTokenRecord, identity: IdentityData, at: string): Promise<void>;
  saveEmployment(token: LinkTokenRecord, employment: EmploymentData, at: string): Promise<void>;
  addPhoto(token: LinkTokenRecord, photo: PhotoRecord): Promise<void>;
  confirmPhoto(token: LinkTokenRecord, photo: { photoId: string; kind: PhotoKind; width: number; height: number }, at: string): Promise<void>;
  /** Records the first time the policy was shown; returns that time. */
  markPrivacyPolicyViewed(token: LinkTokenRecord, version: string, at: string): Promise<string>;
  submit(token: LinkTokenRecord, submission: { consent: { version: string; acceptedAt: string; sourceIp: string }; readBefore: string; audit: AuditEntry }): Promise<void>;
}
