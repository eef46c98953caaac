import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { getUser } from '../../functions/enrollment/use-cases/get-user.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import { DynamoDeliveryLog } from '../../shared/adapters/aws/dynamo-delivery.js';
import { userItem } from '../../shared/adapters/aws/table-items.js';
import type { Actor } from '../../shared/domain/actor.js';
import { newPhotoId } from '../../shared/domain/photo-ids.js';
import { randomIds } from '../../shared/ports/runtime.js';
import type { UserRecord } from '../../shared/ports/users.js';
import { freshTable, manualClock, putTenant, verifierOf } from './harness.js';

/**
 * Security review F8: identity photos are for the people who verify. An integrator key with the
 * `users` scope reads the profile without photo links, and the audit entry of its read names no
 * photo; a verifier or an operator still gets both links, and the entry names them.
 */
async function setup() {
  const table = await freshTable();
  const tenant = await putTenant(table.dynamo, table.tableName);
  const clock = manualClock();
  const presigned: string[] = [];
  const deps = {
    users: table.users,
    photos: { presignDownload: async (key: string, seconds: number) => (presigned.push(key), `https://photos.uji/${key}?expires=${seconds}`) },
    audit: new DynamoAuditTrail(table.dynamo, table.tableName),
    deliveries: new DynamoDeliveryLog(table.dynamo, table.tableName),
    clock,
    ids: randomIds,
  };
  const at = clock.now().toISOString();
  const user: UserRecord = {
    userId: randomIds.newId(), tenantId: tenant.tenantId, role: 'USER', fullName: 'Siti Aminah', email: 'siti@uji.go.id', status: 'AWAITING_REVIEW',
    createdAt: at, updatedAt: at, createdBy: 'verifier', version: 5,
    ktpPhotoId: newPhotoId('KTP', clock.now()), selfiePhotoId: newPhotoId('SELFIE', clock.now()),
  };
  await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: userItem(user) }));
  const views = async () => (await table.allItems()).filter((item) => item.pk === `USER#${user.userId}` && item.action === 'PROFILE_VIEWED');
  return { tenant, user, presigned, views, read: (actor: Actor) => getUser(deps, { actor, userId: user.userId }) };
}

describe('photo links in GET /v1/users/{userId} (F8)', () => {
  it('an integrator users key gets the profile without photo links, and its audited read names no photo', async () => {
    const ctx = await setup();
    const integrator: Actor = { actorId: 'key-simpeg', role: 'INTEGRATOR', tenantId: ctx.tenant.tenantId, scopes: ['users'] };
    const answer = await ctx.read(integrator);
    expect(answer).toMatchObject({ userId: ctx.user.userId, fullName: 'Siti Aminah', status: 'AWAITING_REVIEW' });
    expect(answer).not.toHaveProperty('photos');
    expect(JSON.stringify(answer)).not.toMatch(/kyc\/|ktp-|selfie-/);
    expect(ctx.presigned).toEqual([]);
    const [view, ...more] = await ctx.views();
    expect(more).toEqual([]);
    expect(view).toMatchObject({ actorId: 'key-simpeg', actorRole: 'INTEGRATOR' });
    expect(view!.target).toBeUndefined();
  });

  it('a verifier and an operator still get both 5-minute links, and the entry names both photos', async () => {
    const ctx = await setup();
    const operator: Actor = { actorId: 'operator-1', role: 'OPERATOR', tenantId: 'platform' };
    for (const actor of [verifierOf(ctx.tenant), operator]) {
      const answer = await ctx.read(actor);
      expect(answer.photos?.map((photo) => photo.kind)).toEqual(['KTP', 'SELFIE']);
      expect(answer.photos?.every((photo) => photo.url.endsWith('?expires=300'))).toBe(true);
    }
    expect(ctx.presigned).toHaveLength(4);
    const views = await ctx.views();
    expect(views.map((entry) => [entry.actorRole, entry.target]).sort()).toEqual([['OPERATOR', 'KTP,SELFIE'], ['VERIFIER', 'KTP,SELFIE']]);
  });
});
