import type { Actor } from './domain/actor.js';
import type { IdGenerator } from './ports/runtime.js';
import type { AuditEntry } from './ports/users.js';

/** Who did what, when: one entry per change, written in the change's own transaction. */
export function auditEntry(
  deps: { ids: IdGenerator },
  at: Date,
  actor: Pick<Actor, 'actorId' | 'role'> | { actorId: string; role: 'SYSTEM' },
  action: string,
  extra: Partial<AuditEntry> = {},
): AuditEntry {
  return { auditId: deps.ids.newId(), at: at.toISOString(), actorId: actor.actorId, actorRole: actor.role, action, ...extra };
}
