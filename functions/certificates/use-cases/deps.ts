import type { Logger } from '@aws-lambda-powertools/logger';
import type { MessageComposer } from '../../../shared/outbox.js';
import type { AccountStore } from '../../../shared/ports/accounts.js';
import type { CertificateStore } from '../../../shared/ports/certificates.js';
import type { KeyWrapper } from '../../../shared/ports/key-wrapper.js';
import type { PhotoStore } from '../../../shared/ports/photos.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';
import type { UserDirectory } from '../../../shared/ports/users.js';
import type { CertificateAuthority } from '../../../shared/pki/certificate-authority.js';

export interface CertificateSettings {
  webBaseUrl: string;
}

/** Everything the certificates use cases may use; each takes the narrowest part it needs. */
export interface CertificatesDeps {
  users: Pick<UserDirectory, 'findUser' | 'findToken'>;
  tenants: Pick<TenantDirectory, 'findTenant'>;
  certificates: CertificateStore;
  /** Duplicate "send me a link" requests within a minute send one e-mail. */
  slots: Pick<AccountStore, 'claimRequestSlot'>;
  photos: PhotoStore;
  keyWrapper: KeyWrapper;
  authority: () => Promise<CertificateAuthority>;
  /** Publishes a CRL after a revocation; a failure is logged, the next fetch or the daily run catches up. */
  publishCrl: () => Promise<unknown>;
  composer: MessageComposer;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  settings: CertificateSettings;
}
