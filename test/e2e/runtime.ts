import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/local/ports.js';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../infra/local/runtime.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { keys } from '../../shared/data/table.js';
import { hashApiKey } from '../../shared/http/auth.js';

/** The whole local runtime on free ports with a throwaway data dir (the e2e tests and the bench). */
export async function bootLocalRuntime(
  overrides: Partial<LocalRuntimeOptions> = {},
): Promise<LocalRuntime & { api: string; mail: string; shutdown(): Promise<void> }> {
  // A free port is probed, then released: a test file booting in parallel can take it before a
  // stand-in binds it (DynamoDB Local then exits). Such a start is tried again on fresh ports.
  for (let attempt = 1; ; attempt++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'tte-e2e-'));
    try {
      return withShutdown(await startLocalRuntime({
        dataDir,
        apiPort: await freePort(),
        mailPort: await freePort(),
        s3Port: await freePort(),
        dynamodbPort: await freePort(),
        privacyMinReadSeconds: 60,
        ...overrides,
      }), dataDir);
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      if (attempt >= 3 || !/exited|EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

function withShutdown(runtime: LocalRuntime, dataDir: string): LocalRuntime & { api: string; mail: string; shutdown(): Promise<void> } {
  return {
    ...runtime,
    api: runtime.seed.apiUrl,
    mail: runtime.seed.mailUrl,
    async shutdown() {
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Mail { subject: string; destination: { to: string[] }; body: { text?: string; html?: string }; at: number }

export async function mailTo(mailUrl: string, address: string): Promise<Mail[]> {
  const store = (await (await fetch(`${mailUrl}/store`)).json()) as { emails: Mail[] };
  return store.emails.filter((mail) => mail.destination.to.includes(address));
}

/** The link token in an e-mail: the last path segment of its link. */
export function linkToken(mail: Mail, purpose: string): string {
  const match = new RegExp(`/${purpose}/([A-Za-z0-9_-]{43})`).exec(mail.body.text ?? '');
  if (!match) throw new Error(`No ${purpose} link in "${mail.subject}"`);
  return match[1]!;
}

/**
 * A second agency, "Dinas Lain" (lain.go.id), with a verifier API key of its own, written straight
 * into the table (the seed has one tenant): what the tenant-isolation tests call from outside.
 */
export async function addOtherTenant(runtime: LocalRuntime, label: string, tenantId = 'tenant-lain'): Promise<{ tenantId: string; verifierKey: string }> {
  const verifierKey = `tte_${randomUUID().replaceAll('-', '')}-${label.replaceAll(' ', '-')}`;
  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  try {
    const at = new Date().toISOString();
    const put = (item: Record<string, unknown>) => db.send(new PutCommand({ TableName: runtime.tableName, Item: item }));
    // A dinas of the regency the registry fixture's civil servants work for, named as BKN writes it
    // (upper case; screening compares case aside): its registry matches approve on their own.
    await put({ ...keys.tenant(tenantId), tenantId, name: 'Dinas Lain', organizationName: 'Dinas Lain', emailDomains: ['lain.go.id'], registryAgencies: ['PEMERINTAH KABUPATEN CONTOH'], createdAt: at });
    await put({ ...keys.apiKey(hashApiKey(verifierKey)), keyHash: hashApiKey(verifierKey), actorId: `verifier-${tenantId}`, role: 'VERIFIER', tenantId, label, createdAt: at });
  } finally {
    db.destroy();
  }
  return { tenantId, verifierKey };
}

/** Every item of the runtime's table, read consistently page by page (only tests scan). */
/**
 * A user's e-mail delivery record (USER#…/EMAIL#…), which SES's reports move on by themselves
 * after the mail went out: never a request's doing, so "nothing was written" leaves it out.
 */
export const isEmailDeliveryRecord = (item: Record<string, unknown>) => String(item.pk).startsWith('USER#') && String(item.sk).startsWith('EMAIL#');

export async function allTableItems(db: DynamoDBDocumentClient, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
