import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createDynamoClient, createS3Client, createSesClient } from '../../shared/adapters/aws/clients.js';
import { DynamoTenantDirectory } from '../../shared/adapters/aws/dynamo-tenants.js';
import { DynamoUserDirectory } from '../../shared/adapters/aws/dynamo-users.js';
import { AesGcmSealer } from '../../shared/adapters/local/key-vault.js';
import { ensureTable } from '../../infra/local/provision.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { outboxSealingContext } from '../../shared/outbox.js';
import type { Sealer } from '../../shared/ports/sealer.js';
import { keys } from '../../shared/data/table.js';
import { AppError } from '../../shared/domain/errors.js';
import { createLogger } from '../../shared/logger.js';
import { randomBytes } from 'node:crypto';
import type { Actor } from '../../shared/domain/actor.js';
import type { Tenant } from '../../shared/ports/tenants.js';
import type { Clock } from '../../shared/ports/runtime.js';

export const endpoints = () => ({ ...inject('standIns'), region: localRegion, credentials: localCredentials });

/** A fresh table per test file on the shared DynamoDB Local, so files never see each other's data. */
export async function freshTable() {
  const dynamo = createDynamoClient(endpoints());
  const tableName = `it-${randomUUID()}`;
  await ensureTable(dynamo as never, tableName);
  const allItems = async () => (await dynamo.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
  return { dynamo, tableName, tenants: new DynamoTenantDirectory(dynamo, tableName), users: new DynamoUserDirectory(dynamo, tableName), allItems };
}

/** The raw token of the latest link e-mailed to `email`, opened from its sealed outbox message. */
export async function latestLinkToken(allItems: () => Promise<Record<string, any>[]>, sealer: Sealer, email: string): Promise<string> {
  const messages = (await allItems()).filter((item) => String(item.pk).startsWith('OUTBOX#') && item.to === email)
    .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
  const latest = messages.at(-1)!;
  const { link } = JSON.parse(await sealer.open(latest.sealedData, outboxSealingContext(latest.messageId))) as { link: string };
  return link.split('/').at(-1)!;
}

/**
 * The e-mails queued in the table, read as a test needs them: `outbox(to, template?)` oldest first,
 * `linkIn(to, template)` the raw token of the latest such e-mail, opened from its sealed data.
 */
export function outboxReader(allItems: () => Promise<Record<string, any>[]>, sealer: Sealer) {
  const outbox = async (to: string, template?: string) => (await allItems())
    .filter((item) => String(item.pk).startsWith('OUTBOX#') && item.to === to && (template === undefined || item.template === template))
    .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
  const linkIn = async (to: string, template: string) => {
    const message = (await outbox(to, template)).at(-1);
    if (!message) throw new Error(`no ${template} e-mail to ${to}`);
    const { link } = JSON.parse(await sealer.open(message.sealedData, outboxSealingContext(message.messageId))) as { link: string };
    return link.split('/').at(-1)!;
  };
  return { outbox, linkIn };
}

export const s3Client = () => createS3Client(endpoints());
export const sesClient = () => createSesClient(endpoints());
export const testSealer = () => new AesGcmSealer(randomBytes(32));
export const quietLogger = () => {
  const logger = createLogger('test');
  logger.setLogLevel('SILENT');
  return logger;
};

/** A clock the test moves by hand. */
export function manualClock(start = new Date('2026-11-22T03:00:00.000Z')): Clock & { advance(ms: number): void; set(date: Date): void } {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms), set: (date) => (now = date.getTime()) };
}

export async function putTenant(dynamo: ReturnType<typeof createDynamoClient>, tableName: string, tenant: Partial<Tenant> = {}): Promise<Tenant> {
  const record: Tenant = {
    tenantId: tenant.tenantId ?? `tenant-${randomUUID()}`,
    name: tenant.name ?? 'Dinas Uji Coba',
    organizationName: tenant.organizationName ?? 'Pemerintah Provinsi Uji',
    emailDomains: tenant.emailDomains ?? ['uji.go.id'],
    createdAt: '2026-01-01T00:00:00.000Z',
    ...(tenant.registryAgencies ? { registryAgencies: tenant.registryAgencies } : {}),
    ...(tenant.selfApplication ? { selfApplication: tenant.selfApplication } : {}),
  };
  await dynamo.send(new PutCommand({ TableName: tableName, Item: { ...keys.tenant(record.tenantId), ...record } }));
  return record;
}

export const verifierOf = (tenant: Tenant): Actor => ({ actorId: `verifier-${tenant.tenantId}`, role: 'VERIFIER', tenantId: tenant.tenantId });

/** The error code a call ends with ('OK' when it succeeds), for races and refusals. */
export const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof AppError ? error.code : `UNEXPECTED ${String(error)}`;
  }
};

/** The typed failure of a call that must fail; anything else fails the test. */
export const failureOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, errors: [...error.fieldErrors], extensions: error.extensions };
    throw error;
  }
  throw new Error('expected a failure');
};
