import { hashToken, linkUrl, newLinkToken } from '../../../shared/domain/tokens.js';
import type { LinkTokenRecord, UserRecord } from '../../../shared/ports/directory.js';
import type { OutboxMessage } from '../../../shared/ports/outbox.js';
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
  const rawToken = newLinkToken();
  const expiresAt = new Date(now.getTime() + settings.activationLinkHours * 3600_000).toISOString();
  const token: LinkTokenRecord = {
    tokenHash: hashToken(rawToken),
    purpose: 'activate',
    userId: user.userId,
    tenantId: user.tenantId,
    createdAt: now.toISOString(),
    expiresAt,
  };
  const message = await composer.compose(
    'activation',
    user.email,
    { fullName: user.fullName, tenantName, expiresAt },
    { link: linkUrl(settings.webBaseUrl, 'activate', rawToken) },
  );
  return { token, message };
}
