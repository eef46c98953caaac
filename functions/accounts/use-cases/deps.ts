import type { Logger } from '@aws-lambda-powertools/logger';
import type { MessageComposer } from '../../../shared/outbox.js';
import type { AccountStore, DeviceRequestStore, LockoutStore, SessionStore } from '../../../shared/ports/accounts.js';
import type { FaceMatcher } from '../../../shared/ports/face-match.js';
import type { PasswordHasher } from '../../../shared/ports/passwords.js';
import type { PhotoStore } from '../../../shared/ports/photos.js';
import type { PersonalDataStore } from '../../../shared/ports/personal-data.js';
import type { AuditTrail } from '../../../shared/ports/audit.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { Sealer } from '../../../shared/ports/sealer.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';
import type { UserDirectory } from '../../../shared/ports/users.js';

export interface AccountSettings {
  webBaseUrl: string;
  /** The issuer authenticator apps show. */
  serviceName: string;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /**
   * The least time the public "send me a link" requests take, whether or not the address has an
   * account, so their timing does not tell which addresses exist.
   */
  publicRequestFloorMs: number;
}

/** Everything the accounts use cases may use; each takes the narrowest part it needs. */
export interface AccountsDeps {
  users: Pick<UserDirectory, 'findUser' | 'findToken' | 'findUserIdByEmail'>;
  tenants: Pick<TenantDirectory, 'findTenant' | 'listVerifierEmails'>;
  accounts: AccountStore;
  lockouts: LockoutStore;
  sessions: SessionStore;
  requests: DeviceRequestStore;
  photos: PhotoStore;
  personalData: Pick<PersonalDataStore, 'collect'>;
  audit: Pick<AuditTrail, 'record'>;
  /** Optional: without it every device request goes to a verifier. */
  faceMatcher?: FaceMatcher;
  passwords: PasswordHasher;
  sealer: Sealer;
  composer: MessageComposer;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  settings: AccountSettings;
}
