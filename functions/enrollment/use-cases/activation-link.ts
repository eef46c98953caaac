import { newLink } from '../../../shared/links.js';
import type { LinkTokenRecord } from '../../../shared/ports/links.js';
import type { OutboxMessage } from '../../../shared/ports/outbox.js';
import type { UserRecord } from '../../../shared/ports/users.js';
import type { MessageComposer } from '../../../shared/outbox.js';

export interface ActivationLinkSettings {
  webBaseUrl: string;
  activationLinkHours: number;
}

/** A fresh activation token for the user and the "[TTE] Aktivasi Akun" e-mail that carries it. */
export async function newActivationLink(
  composer: MessageComposer,
  settings: ActivationLinkSettings,
  user: Pick<UserRecord, 'userId' | 'tenantId' | 'fullName' | 'email'>,
  tenantName: string,
  now: Date,
): Promise<{ token: LinkTokenRecord; message: OutboxMessage }> {
  const { token, link } = newLink(settings.webBaseUrl, user, 'activate', settings.activationLinkHours * 3600_000, now);
  const message = await composer.compose('activation', user.email, { fullName: user.fullName, tenantName, expiresAt: token.expiresAt }, { link });
  return { token, message };
}
