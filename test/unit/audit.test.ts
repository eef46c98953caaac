import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { auditEntry, recordPersonalDataRead } from '../../shared/audit.js';
import { auditItem, auditPut } from '../../shared/adapters/aws/table-items.js';
import { Authenticator, hashApiKey } from '../../shared/http/auth.js';
import { defineRoutes } from '../../shared/http/route.js';
import { createHttpHandler } from '../../shared/http/service.js';
import { createLogger } from '../../shared/logger.js';
import type { AuditEntry } from '../../shared/ports/audit.js';
import { systemClock } from '../../shared/ports/runtime.js';
import { currentRequestOrigin, withRequestOrigin } from '../../shared/request-origin.js';
import { apiEvent, lambdaContext } from './support/api-event.js';

const ids = { newId: () => 'audit-1' };
const at = new Date('2026-11-22T03:00:00.000Z');
const verifier = { actorId: 'verifier-1', role: 'VERIFIER' as const };
const siti = { userId: 'user-1', tenantId: 'tenant-a' };
const origin = { requestId: 'req-1', sourceIp: '203.0.113.9' };

describe('auditEntry', () => {
  it('names the subject and its tenant, and takes the request origin of the request being served', () => {
    expect(withRequestOrigin(origin, () => auditEntry({ ids }, at, verifier, 'USER_REGISTERED', siti, { status: 'INVITED' }))).toEqual({
      auditId: 'audit-1', at: at.toISOString(), actorId: 'verifier-1', actorRole: 'VERIFIER', tenantId: 'tenant-a', subject: { userId: 'user-1' },
      action: 'USER_REGISTERED', status: 'INVITED', requestId: 'req-1', sourceIp: '203.0.113.9',
    });
  });

  it('carries no origin outside a request, nor for the service\'s own actors inside one', () => {
    expect(auditEntry({ ids }, at, verifier, 'USER_REGISTERED', siti)).not.toHaveProperty('requestId');
    const workflow = withRequestOrigin(origin, () => auditEntry({ ids }, at, { actorId: 'approval-workflow', role: 'SYSTEM' }, 'REVIEW_REQUESTED', siti));
    expect(workflow).not.toHaveProperty('requestId');
    expect(workflow).not.toHaveProperty('sourceIp');
  });

  it('keeps the origin across awaits, and apart between requests served at once', async () => {
    const later = (requestId: string) => withRequestOrigin({ requestId, sourceIp: '192.0.2.1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, requestId === 'a' ? 20 : 1));
      return auditEntry({ ids }, at, verifier, 'LOGGED_IN', siti).requestId;
    });
    expect(await Promise.all([later('a'), later('b')])).toEqual(['a', 'b']);
    expect(currentRequestOrigin()).toBeUndefined();
  });

  it('takes a tenant, or something of the whole service, as its subject', () => {
    expect(auditEntry({ ids }, at, verifier, 'API_KEY_CREATED', { tenantId: 'tenant-a' }, { target: 'key_1' }))
      .toMatchObject({ tenantId: 'tenant-a', subject: { tenantId: 'tenant-a' }, target: 'key_1' });
    const prices = auditEntry({ ids }, at, { actorId: 'operator-1', role: 'OPERATOR' }, 'PRICE_LIST_SET', { service: 'PRICE_LIST' });
    expect(prices.subject).toEqual({ service: 'PRICE_LIST' });
    expect(prices).not.toHaveProperty('tenantId');
  });
});

describe('audit items', () => {
  const entry = (subject: AuditEntry['subject'], tenantId?: string): AuditEntry => ({
    auditId: 'audit-1', at: at.toISOString(), actorId: 'verifier-1', actorRole: 'VERIFIER', action: 'X', subject, ...(tenantId ? { tenantId } : {}),
  });

  it("sit in their subject's partition and in their tenant's trail, with no ttl", () => {
    expect(auditItem(entry({ userId: 'user-1' }, 'tenant-a'))).toMatchObject({
      pk: 'USER#user-1', sk: `AUDIT#${at.toISOString()}#audit-1`, gsi2pk: 'TENANT#tenant-a#AUDIT', gsi2sk: `${at.toISOString()}#audit-1`,
    });
    expect(auditItem(entry({ tenantId: 'tenant-a' }, 'tenant-a'))).toMatchObject({ pk: 'TENANT#tenant-a', gsi2pk: 'TENANT#tenant-a#AUDIT' });
    const service = auditItem(entry({ service: 'PRICE_LIST' }));
    expect(service).toMatchObject({ pk: 'SERVICE#PRICE_LIST', sk: `AUDIT#${at.toISOString()}#audit-1` });
    expect(service).not.toHaveProperty('gsi2pk');
    for (const item of [auditItem(entry({ userId: 'user-1' }, 'tenant-a')), service]) expect(item).not.toHaveProperty('ttl');
  });

  it('are only ever added, never written over', () => {
    expect(auditPut('table', entry({ userId: 'user-1' }, 'tenant-a')).Put.ConditionExpression).toBe('attribute_not_exists(pk)');
  });
});

describe('recordPersonalDataRead', () => {
  const recorder = () => {
    const recorded: AuditEntry[] = [];
    return { recorded, deps: { audit: { record: async (entry: AuditEntry) => void recorded.push(entry) }, ids, clock: { now: () => at } } };
  };

  it("records someone else's read, naming what was handed out", async () => {
    const { recorded, deps } = recorder();
    await withRequestOrigin(origin, () => recordPersonalDataRead(deps, verifier, 'PROFILE_VIEWED', siti, { target: 'KTP,SELFIE' }));
    expect(recorded).toEqual([expect.objectContaining({ action: 'PROFILE_VIEWED', actorId: 'verifier-1', subject: { userId: 'user-1' }, target: 'KTP,SELFIE', requestId: 'req-1' })]);
  });

  it('does not record a person reading their own data', async () => {
    const { recorded, deps } = recorder();
    await recordPersonalDataRead(deps, { actorId: 'user-1', role: 'USER' }, 'PROFILE_VIEWED', siti);
    expect(recorded).toEqual([]);
  });
});

describe('the HTTP kernel', () => {
  it('gives every route action its request id and source address as the origin audit entries take', async () => {
    const key = 'tte_audit-origin-test';
    const routes = defineRoutes('test', {
      change: { method: 'POST', path: '/v1/changes', summary: 'A change', access: ['VERIFIER'], body: z.strictObject({}), responses: { 200: { description: 'Done' } } },
    });
    const handler = createHttpHandler(routes, {
      change: async ({ actor }) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { status: 200, body: auditEntry({ ids }, at, actor, 'CHANGED', { userId: 'user-1', tenantId: actor.tenantId }) };
      },
    }, {
      authenticator: new Authenticator({
        apiKeys: { findApiKey: async (hash) => (hash === hashApiKey(key) ? { keyHash: hash, actorId: 'verifier-1', role: 'VERIFIER', tenantId: 'tenant-a', label: 'test', createdAt: '' } : undefined) },
        clock: systemClock,
      }),
      logger: createLogger('test'),
    });
    const result = await handler(apiEvent({ method: 'POST', resource: '/v1/changes', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: '{}' }), lambdaContext);
    expect(JSON.parse(result.body)).toMatchObject({ requestId: 'req-123', sourceIp: '203.0.113.9', tenantId: 'tenant-a' });
  });
});
