import { isSessionsRace, type AccountChange } from '../../../shared/ports/accounts.js';
import type { AccountsDeps } from './deps.js';

const ATTEMPTS = 3;

/**
 * Commits a change that ends every session of the user (a compromise, a disable, a password
 * reset) so that none outlives it. The credential's count of sessions started is read before the
 * sessions are listed, and the commit holds only if no login added one since; a login that did
 * makes this read and list again. A login committing after this change is refused by its own
 * guard (the user no longer ACTIVE, or the credential's version changed). See security.md F4.
 */
export async function commitEndingSessions(
  deps: Pick<AccountsDeps, 'accounts' | 'sessions'>,
  userId: string,
  change: (ending: { endSessions: string[]; sessionsStartedSeen: number }) => AccountChange | Promise<AccountChange>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const sessionsStartedSeen = (await deps.accounts.loadAccount(userId)).credential?.sessionsStarted ?? 0;
    const endSessions = await deps.sessions.listUserSessions(userId);
    try {
      await deps.accounts.commit(await change({ endSessions, sessionsStartedSeen }));
      return;
    } catch (error) {
      if (!isSessionsRace(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}
