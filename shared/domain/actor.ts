import type { Role } from './user.js';

/** Who is calling, resolved from an API key or a login session. */
export interface Actor {
  actorId: string;
  role: Role;
  tenantId: string;
}
