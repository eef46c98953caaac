import type { ApiKeyScope } from './api-keys.js';
import type { Role } from './user.js';

/** Who is calling, resolved from an API key or a login session. */
export interface Actor {
  actorId: string;
  role: Role;
  tenantId: string;
  /** An integrator key's scopes; absent for people (their role says what they may do). */
  scopes?: readonly ApiKeyScope[];
}

/** Who made the account, for a self-application: no verifier or key did. */
export const SELF_APPLICATION_ACTOR = 'SELF_APPLICATION';
