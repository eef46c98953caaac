import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { generateSecret } from 'otplib';
import { hashPassword } from '../../shared/crypto/passwords.js';
import { otpSecretSealingContext } from '../../shared/domain/otp.js';
import { indexKeys, keys } from '../../shared/data/table.js';
import { hashApiKey, newApiKey, newIntegratorKey } from '../../shared/http/auth.js';
import type { ApiKeyRecord, Tenant, TenantApiKey } from '../../shared/ports/tenants.js';
import type { Role } from '../../shared/domain/user.js';
import type { Sealer } from '../../shared/ports/sealer.js';

/** The shape of `<dataDir>/seed.json`, as API.md gives it. */
export interface SeedFile {
  apiUrl: string;
  mailUrl: string;
  tenant: { tenantId: string; name: string; emailDomains: string[] };
  verifier: StaffCredentials;
  operator: StaffCredentials;
  /** The demo tenant's `signing`-scope integrator key (x-api-key, or HTTP Basic keyId:secret). */
  integrator: { keyId: string; secret: string; apiKey: string };
}

export interface StaffCredentials {
  email: string;
  password: string;
  totpSecret: string;
  apiKey: string;
}

// Stable ids, so a restart finds the same demo records instead of making new ones.
const demo = {
  tenant: {
    tenantId: 'tenant-contoh', name: 'Pemerintah Kabupaten Contoh', organizationName: 'Pemerintah Kabupaten Contoh', emailDomains: ['contoh.go.id'], billingEmail: 'keuangan@contoh.go.id',
    // The agencies of the shipped registry fixture's people, so its registry matches approve on their own.
    registryAgencies: ['Pemerintah Kabupaten Contoh', 'Kepolisian Daerah Contoh'],
  },
  verifier: { userId: 'staff-verifier-contoh', fullName: 'Verifikator Contoh', email: 'verifikator@contoh.go.id' },
  operator: { userId: 'staff-operator', fullName: 'Operator Diskominfo', email: 'operator@contoh.go.id' },
  // The operator works for the provider, not for an agency.
  platformTenantId: 'platform',
} as const;

function newPassword(): string {
  // Random, and still within any sane policy (upper, lower, digit, special).
  return `Tte-${randomBytes(12).toString('base64url')}9a!`;
}

function newStaff(email: string): StaffCredentials {
  return { email, password: newPassword(), totpSecret: generateSecret(), apiKey: newApiKey() };
}

/**
 * Seeds the demo operator, tenant and verifier, idempotently. Credentials live in seed.json:
 * a restart reuses them (and only restores records that are missing); without seed.json, new
 * credentials are made and written over the old records.
 */
export async function seedDemo(deps: {
  db: DynamoDBDocumentClient;
  tableName: string;
  sealer: Sealer;
  dataDir: string;
  urls: { apiUrl: string; mailUrl: string };
}): Promise<SeedFile> {
  const seedPath = join(deps.dataDir, 'seed.json');
  const previous = existsSync(seedPath) ? (JSON.parse(readFileSync(seedPath, 'utf8')) as SeedFile) : undefined;
  const verifier = previous?.verifier ?? newStaff(demo.verifier.email);
  const operator = previous?.operator ?? newStaff(demo.operator.email);
  // Seed files from before signing have no integrator key: one is made then, and kept after.
  const integrator = previous?.integrator ?? newIntegratorKey();
  const overwrite = previous === undefined;
  const now = new Date().toISOString();

  const put = async (item: Record<string, unknown>) => {
    try {
      await deps.db.send(new PutCommand({
        TableName: deps.tableName,
        Item: item,
        ...(overwrite ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  };

  await put({ ...keys.tenant(demo.tenant.tenantId), ...indexKeys.tenants(demo.tenant.tenantId), ...demo.tenant, status: 'ACTIVE', createdAt: now, updatedAt: now, version: 1 });
  // A data dir seeded before operators managed tenants: its tenant gains what it lacks (the index
  // keys, billing address, registry agencies, status, version), and keeps whatever an operator changed since.
  await deps.db.send(new UpdateCommand({
    TableName: deps.tableName,
    Key: keys.tenant(demo.tenant.tenantId),
    UpdateExpression: 'SET gsi1pk = :indexPk, gsi1sk = :indexSk, billingEmail = if_not_exists(billingEmail, :billing), registryAgencies = if_not_exists(registryAgencies, :agencies), #status = if_not_exists(#status, :active), updatedAt = if_not_exists(updatedAt, :now), #version = if_not_exists(#version, :one)',
    ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
    ExpressionAttributeValues: {
      ':indexPk': indexKeys.tenants(demo.tenant.tenantId).gsi1pk, ':indexSk': indexKeys.tenants(demo.tenant.tenantId).gsi1sk,
      ':billing': demo.tenant.billingEmail, ':agencies': demo.tenant.registryAgencies, ':active': 'ACTIVE', ':now': now, ':one': 1,
    },
  }));
  // The claims on the domains the tenant lists now (an operator may have changed them), unless another tenant holds one.
  const stored = await deps.db.send(new GetCommand({ TableName: deps.tableName, Key: keys.tenant(demo.tenant.tenantId), ConsistentRead: true }));
  for (const domain of (stored.Item as Tenant | undefined)?.emailDomains ?? []) {
    try {
      await deps.db.send(new PutCommand({
        TableName: deps.tableName,
        Item: { ...keys.domainUnique(domain), domain, tenantId: demo.tenant.tenantId },
        ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :me',
        ExpressionAttributeValues: { ':me': demo.tenant.tenantId },
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  const staff: [typeof demo.verifier | typeof demo.operator, Role, string, StaffCredentials][] = [
    [demo.verifier, 'VERIFIER', demo.tenant.tenantId, verifier],
    [demo.operator, 'OPERATOR', demo.platformTenantId, operator],
  ];
  for (const [person, role, tenantId, credentials] of staff) {
    const deviceId = `${person.userId}-device`;
    // A restart keeps the first seed's time, so the device key (which holds it) stays the same.
    const existing = await deps.db.send(new GetCommand({ TableName: deps.tableName, Key: keys.user(person.userId) }));
    const createdAt = !overwrite && typeof existing.Item?.createdAt === 'string' ? existing.Item.createdAt : now;
    await put({
      ...keys.user(person.userId),
      // Staff are not in the employee lists; verifiers are in their tenant's verifier index, operators in the platform's.
      ...indexKeys.verifiersOfTenant(tenantId, person.userId),
      userId: person.userId,
      tenantId,
      role,
      fullName: person.fullName,
      email: person.email,
      status: 'ACTIVE',
      createdAt: createdAt,
      updatedAt: createdAt,
      createdBy: 'seed',
      version: 1,
    });
    await put({ ...keys.emailUnique(person.email), userId: person.userId, tenantId });
    await put({
      ...keys.credential(person.userId),
      userId: person.userId,
      passwordHash: await hashPassword(credentials.password),
      passwordChangedAt: createdAt,
      version: 1,
    });
    await put({
      ...keys.device(person.userId, createdAt, deviceId),
      userId: person.userId,
      deviceId,
      name: 'Perangkat demo',
      sealedSecret: await deps.sealer.seal(credentials.totpSecret, otpSecretSealingContext(person.userId, deviceId)),
      createdAt: createdAt,
    });
    await put({
      ...keys.apiKey(hashApiKey(credentials.apiKey)),
      keyHash: hashApiKey(credentials.apiKey),
      actorId: person.userId,
      role,
      tenantId,
      label: `Demo ${role.toLowerCase()} key`,
      createdAt: createdAt,
    });
  }

  const integratorKey: TenantApiKey = { keyId: integrator.keyId, name: 'Integrator demo (penandatanganan)', scopes: ['signing'], createdAt: now, createdBy: 'seed' };
  const integratorLookup: ApiKeyRecord = {
    keyHash: hashApiKey(integrator.apiKey), actorId: integrator.keyId, role: 'INTEGRATOR', tenantId: demo.tenant.tenantId, scopes: ['signing'], label: integratorKey.name, createdAt: now,
  };
  await put({ ...keys.apiKey(integratorLookup.keyHash), ...integratorLookup });
  await put({ ...keys.tenantApiKey(demo.tenant.tenantId, integrator.keyId), ...integratorKey, keyHash: integratorLookup.keyHash });
  // A key written over the old records is one the tenant's live-key counter never saw: drop the
  // counter, and the next key made counts the live keys afresh.
  if (overwrite) await deps.db.send(new DeleteCommand({ TableName: deps.tableName, Key: keys.tenantApiKeyCount(demo.tenant.tenantId) }));

  const seed: SeedFile = {
    ...deps.urls,
    tenant: { tenantId: demo.tenant.tenantId, name: demo.tenant.name, emailDomains: [...demo.tenant.emailDomains] },
    verifier,
    operator,
    integrator,
  };
  writeFileSync(seedPath, `${JSON.stringify(seed, null, 2)}\n`, { mode: 0o600 });
  return seed;
}
