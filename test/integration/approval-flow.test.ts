import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Duration } from 'aws-cdk-lib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { userItem } from '../../shared/adapters/aws/table-items.js';
import { FixtureRegistry } from '../../shared/adapters/local/fixture-registry.js';
import { HttpRegistry } from '../../shared/adapters/aws/http-registry.js';
import { freePort } from '../../infra/local/ports.js';
import { RegistryUnavailableError, type CivilServiceRegistry } from '../../shared/ports/registry.js';
import { nikSealingContext } from '../../shared/domain/identity.js';
import { messageComposer } from '../../shared/outbox.js';
import { randomIds, systemClock } from '../../shared/ports/runtime.js';
import type { UserRecord } from '../../shared/ports/users.js';
import type { Tenant } from '../../shared/ports/tenants.js';
import { createFlowsHandler } from '../../functions/flows/handler.js';
import { approveApplicant } from '../../functions/enrollment/use-cases/review.js';
import { DynamoUsageReader } from '../../shared/adapters/aws/dynamo-usage.js';
import { ApprovalFlow } from '../../infra/constructs/approval-flow.js';
import { LocalFlowRunner } from '../../infra/local/flow-runner.js';
import { freshTable, putTenant, quietLogger, testSealer } from './harness.js';

const fixtureFile = new URL('../../infra/local/registry-fixture.json', import.meta.url).pathname;

/** The state machine definition from the CDK construct, run by the local flow runner. */
async function setup(
  reviewTimeout = Duration.days(14),
  stateFile?: string,
  registry: CivilServiceRegistry = new FixtureRegistry(fixtureFile),
  // The fixture's ASN people work for this agency: their matches approve on their own.
  tenantFields: Partial<Tenant> = { registryAgencies: ['Pemerintah Kabupaten Contoh'] },
) {
  const table = await freshTable();
  const tenant = await putTenant(table.dynamo, table.tableName, tenantFields);
  const failures: unknown[] = [];
  const sealer = testSealer();
  const flows = createFlowsHandler({
    users: table.users, tenants: table.tenants, registry, sealer,
    composer: messageComposer({ ids: randomIds, clock: systemClock, sealer }), clock: systemClock, ids: randomIds,
    logger: quietLogger(), settings: { webBaseUrl: 'https://tte.uji.go.id' },
  });
  const definition = ApprovalFlow.renderDefinition(reviewTimeout);
  const runner = new LocalFlowRunner(definition, flows, (error) => failures.push(error), stateFile, 1);
  /** A submitted applicant; with `asn`, a civil servant with sealed NIK and NIP as activation leaves them. */
  const submittedUser = async (asn?: { fullName: string; nik: string; nip: string }, extra: Partial<UserRecord> = {}): Promise<UserRecord> => {
    const at = new Date().toISOString();
    const userId = randomIds.newId();
    const user: UserRecord = {
      userId, tenantId: tenant.tenantId, role: 'USER', fullName: asn?.fullName ?? 'Siti Aminah', email: `${randomIds.newId()}@uji.go.id`,
      status: 'SUBMITTED', createdAt: at, updatedAt: at, createdBy: 'verifier', version: 3,
      ...(asn ? {
        identity: {
          fullName: asn.fullName, nikSealed: await sealer.seal(asn.nik, nikSealingContext(userId)), nikIndex: 'index', nikLast4: asn.nik.slice(-4),
          birthDate: '1985-03-15', gender: 'FEMALE' as const,
        },
        employment: {
          employmentType: 'ASN' as const, nip: asn.nip, position: 'Analis', unitName: 'Bidang', provinceCode: '72', provinceName: 'Sulawesi Tengah', cityCode: '72.71', cityName: 'Kota Palu',
        },
      } : {}),
      ...extra,
    };
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: userItem(user) }));
    return user;
  };
  const statusOf = async (userId: string) => (await table.users.findUser(userId))?.status;
  const outboxTo = async (email: string) => ((await table.dynamo.send(new ScanCommand({ TableName: table.tableName }))).Items ?? [])
    .filter((item) => String(item.pk).startsWith('OUTBOX#') && item.to === email).map((item) => String(item.template)).sort();
  const approvalsCounted = async () => (await new DynamoUsageReader(table.dynamo, table.tableName).dailyUsage(tenant.tenantId, '2000-01-01', '2999-12-31'))
    .filter((entry) => entry.event === 'USER_APPROVED').reduce((sum, entry) => sum + entry.count, 0);
  const reviewDeps = {
    users: table.users, tenants: table.tenants, composer: messageComposer({ ids: randomIds, clock: systemClock, sealer }), clock: systemClock, ids: randomIds,
    settings: { webBaseUrl: 'https://tte.uji.go.id' },
  };
  return { ...table, definition, flows, runner, failures, submittedUser, statusOf, outboxTo, approvalsCounted, reviewDeps };
}

describe('the approval workflow on the local flow runner', () => {
  it('sends an applicant without registry data to a verifier, and an approval completes it', async () => {
    const ctx = await setup();
    const user = await ctx.submittedUser();
    expect(await ctx.runner.start(user.userId)).toBe(true);
    expect(await ctx.runner.start(user.userId)).toBe(false); // started exactly once

    await expect.poll(() => ctx.statusOf(user.userId)).toBe('AWAITING_REVIEW');
    const waiting = await ctx.users.findUser(user.userId);
    expect(waiting?.reviewTaskToken).toMatch(/^[\w-]{43}$/);
    expect(waiting?.screening?.outcome).toBe('NOT_APPLICABLE');

    await ctx.runner.resume(waiting!.reviewTaskToken!, { decision: 'APPROVE', actorId: 'verifier-1' });
    await ctx.runner.finished(user.userId);
    const approved = await ctx.users.findUserWithHistory(user.userId);
    expect(approved?.user.status).toBe('APPROVED');
    expect(approved?.user.reviewTaskToken).toBeUndefined();
    expect(approved?.history.map((entry) => entry.action)).toEqual(['SCREENED_NOT_APPLICABLE', 'REVIEW_REQUESTED', 'APPLICATION_APPROVED']);
    expect(await ctx.outboxTo(user.email)).toEqual(['accountInfo', 'setPassphrase']);
    expect(ctx.failures).toEqual([]);
    expect(await ctx.approvalsCounted()).toBe(1);
  });

  it('records a rejection with its reason, tells the applicant, and frees the e-mail for a new registration', async () => {
    const ctx = await setup();
    const user = await ctx.submittedUser();
    await ctx.dynamo.send(new PutCommand({ TableName: ctx.tableName, Item: { pk: `EMAIL#${user.email}`, sk: 'UNIQUE', userId: user.userId } }));
    await ctx.runner.start(user.userId);
    await expect.poll(() => ctx.statusOf(user.userId)).toBe('AWAITING_REVIEW');
    const token = (await ctx.users.findUser(user.userId))!.reviewTaskToken!;
    await ctx.runner.resume(token, { decision: 'REJECT', reason: 'Foto KTP tidak terbaca', actorId: 'verifier-1' });
    await ctx.runner.finished(user.userId);
    const rejected = await ctx.users.findUserWithHistory(user.userId);
    expect(rejected?.user.status).toBe('REJECTED');
    expect(rejected?.history.at(-1)).toMatchObject({ action: 'APPLICATION_REJECTED', reason: 'Foto KTP tidak terbaca' });
    expect(await ctx.outboxTo(user.email)).toEqual(['applicationRejected']);
    const items = (await ctx.dynamo.send(new ScanCommand({ TableName: ctx.tableName }))).Items ?? [];
    expect(items.some((item) => item.pk === `EMAIL#${user.email}`)).toBe(false);
  });

  it('expires an application nobody decided within the timeout, and says so', async () => {
    const ctx = await setup(Duration.seconds(1));
    const user = await ctx.submittedUser();
    await ctx.runner.start(user.userId);
    await ctx.runner.finished(user.userId);
    expect(await ctx.statusOf(user.userId)).toBe('EXPIRED');
    expect(await ctx.outboxTo(user.email)).toEqual(['applicationExpired']);
  });

  it('approves a civil servant the registry knows, by NIP with equal NIK and name', async () => {
    const ctx = await setup();
    const user = await ctx.submittedUser({ fullName: 'SITI  aminah', nik: '7271015503850001', nip: '198503152010012003' });
    await ctx.runner.start(user.userId);
    await ctx.runner.finished(user.userId);
    const approved = await ctx.users.findUser(user.userId);
    expect(approved?.status).toBe('APPROVED');
    expect(approved?.screening).toMatchObject({ outcome: 'MATCH', registry: { unitName: 'Bidang Aplikasi Informatika' } });
    expect(await ctx.outboxTo(user.email)).toEqual(['accountInfo', 'setPassphrase']);
    // The workflow's approval task, run again as a retry would, approves and bills once.
    await approveApplicant(ctx.reviewDeps, user.userId);
    expect(await ctx.approvalsCounted()).toBe(1);
  });

  it('sends a civil servant whose NIK differs from the registry to a verifier, saying what differs', async () => {
    const ctx = await setup();
    const user = await ctx.submittedUser({ fullName: 'Siti Aminah', nik: '7271015503850099', nip: '198503152010012003' });
    await ctx.runner.start(user.userId);
    await expect.poll(() => ctx.statusOf(user.userId)).toBe('AWAITING_REVIEW');
    const waiting = await ctx.users.findUser(user.userId);
    expect(waiting?.screening).toMatchObject({ outcome: 'NO_MATCH', mismatches: ['NIK berbeda dengan data kepegawaian'] });
    expect(JSON.stringify(waiting)).not.toContain('7271015503850001');
  });

  it('retries a registry that is down, then hands the application to a verifier instead of losing it', async () => {
    let lookups = 0;
    const down: CivilServiceRegistry = {
      find: async () => {
        lookups++;
        throw new RegistryUnavailableError('Registry answered 503');
      },
    };
    const ctx = await setup(Duration.days(14), undefined, down);
    const user = await ctx.submittedUser({ fullName: 'Siti Aminah', nik: '7271015503850001', nip: '198503152010012003' });
    await ctx.runner.start(user.userId);
    await expect.poll(() => ctx.statusOf(user.userId)).toBe('AWAITING_REVIEW');
    expect(lookups).toBe(5); // the first try and the state machine's four retries
    expect((await ctx.users.findUser(user.userId))?.screening?.outcome).toBe('REGISTRY_UNAVAILABLE');
    expect(ctx.failures).toEqual([]);
  });

  it('hands the application to a verifier when the real registry adapter finds nothing listening (registry down)', async () => {
    // Fault injection (issue #12): the HTTP adapter as deployed, pointed at a port nobody listens on.
    const ctx = await setup(Duration.days(14), undefined, new HttpRegistry(`http://127.0.0.1:${await freePort()}`, async () => 'credential', 500));
    const user = await ctx.submittedUser({ fullName: 'Siti Aminah', nik: '7271015503850001', nip: '198503152010012003' });
    await ctx.runner.start(user.userId);
    await expect.poll(() => ctx.statusOf(user.userId), { timeout: 10_000 }).toBe('AWAITING_REVIEW');
    expect((await ctx.users.findUser(user.userId))?.screening?.outcome).toBe('REGISTRY_UNAVAILABLE');
    expect(ctx.failures).toEqual([]);
  });

  it('ends in the failure path, not silently, when a step keeps failing', async () => {
    const ctx = await setup();
    await ctx.runner.start('no-such-user');
    await ctx.runner.finished('no-such-user');
    expect(ctx.failures).toHaveLength(1);
    expect(String(ctx.failures[0])).toMatch(/failed after its retries/);
  });

  it('picks up a waiting review after a restart, with the same token, still decidable', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'tte-flow-')), 'waiting.json');
    const ctx = await setup(Duration.days(14), stateFile);
    const user = await ctx.submittedUser();
    await ctx.runner.start(user.userId);
    await expect.poll(() => ctx.statusOf(user.userId)).toBe('AWAITING_REVIEW');
    const token = (await ctx.users.findUser(user.userId))!.reviewTaskToken!;
    ctx.runner.stop();
    await ctx.runner.finished(user.userId);
    expect(await ctx.statusOf(user.userId)).toBe('AWAITING_REVIEW'); // stopping is not failing

    const restarted = new LocalFlowRunner(ctx.definition, ctx.flows, (error) => ctx.failures.push(error), stateFile, 1);
    expect(restarted.restore()).toBe(1);
    await expect.poll(async () => {
      try {
        await restarted.resume(token, { decision: 'APPROVE', actorId: 'verifier-1' });
        return true;
      } catch {
        return false;
      }
    }).toBe(true);
    await restarted.finished(user.userId);
    expect(await ctx.statusOf(user.userId)).toBe('APPROVED');
    expect(ctx.failures).toEqual([]);
  });

  it('restarted with several reviews waiting: each resumes once, and one whose deadline passed while it was down expires', async () => {
    // Fault injection (issue #12): the runner stops with three reviews waiting and starts again.
    const stateFile = join(mkdtempSync(join(tmpdir(), 'tte-flow-')), 'waiting.json');
    const ctx = await setup(Duration.seconds(8), stateFile);
    const [late, approved, rejected] = [await ctx.submittedUser(), await ctx.submittedUser(), await ctx.submittedUser()];
    const lateStarted = Date.now();
    await ctx.runner.start(late.userId);
    await expect.poll(() => ctx.statusOf(late.userId), { timeout: 4000 }).toBe('AWAITING_REVIEW');
    await new Promise((resolve) => setTimeout(resolve, 4000));
    for (const user of [approved, rejected]) await ctx.runner.start(user.userId);
    for (const user of [approved, rejected]) await expect.poll(() => ctx.statusOf(user.userId), { timeout: 2000 }).toBe('AWAITING_REVIEW');
    const tokenOf = async (user: UserRecord) => (await ctx.users.findUser(user.userId))!.reviewTaskToken!;
    const tokens = { approved: await tokenOf(approved), rejected: await tokenOf(rejected) };
    ctx.runner.stop();
    await Promise.all([late, approved, rejected].map((user) => ctx.runner.finished(user.userId)));
    // Down past the first review's deadline, not the others'.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lateStarted + 8500 - Date.now())));

    const restarted = new LocalFlowRunner(ctx.definition, ctx.flows, (error) => ctx.failures.push(error), stateFile, 1);
    expect(restarted.restore()).toBe(3);
    await restarted.resume(tokens.approved, { decision: 'APPROVE', actorId: 'verifier-1' });
    await restarted.resume(tokens.rejected, { decision: 'REJECT', reason: 'Foto KTP tidak terbaca', actorId: 'verifier-1' });
    await Promise.all([late, approved, rejected].map((user) => restarted.finished(user.userId)));
    expect([await ctx.statusOf(late.userId), await ctx.statusOf(approved.userId), await ctx.statusOf(rejected.userId)]).toEqual(['EXPIRED', 'APPROVED', 'REJECTED']);
    expect([await ctx.outboxTo(late.email), await ctx.outboxTo(approved.email), await ctx.outboxTo(rejected.email)])
      .toEqual([['applicationExpired'], ['accountInfo', 'setPassphrase'], ['applicationRejected']]);
    expect(await ctx.approvalsCounted()).toBe(1);
    expect(restarted.restore()).toBe(0); // nothing left waiting on disk
    expect(ctx.failures).toEqual([]);
  });
});

describe('registry matches and the tenant\'s agency (security review F5)', () => {
  const siti = { fullName: 'Siti Aminah', nik: '7271015503850001', nip: '198503152010012003' };

  /** Runs the workflow until the applicant is approved or waits for a verifier: what became of them. */
  const screened = async (ctx: Awaited<ReturnType<typeof setup>>, user: UserRecord) => {
    await ctx.runner.start(user.userId);
    await expect.poll(() => ctx.statusOf(user.userId)).toMatch(/^(APPROVED|AWAITING_REVIEW)$/);
    const found = await ctx.users.findUserWithHistory(user.userId);
    return {
      status: found!.user.status, screening: found!.user.screening, actions: found!.history.map((entry) => entry.action),
      mail: await ctx.outboxTo(user.email), approvals: await ctx.approvalsCounted(),
    };
  };

  /** A verifier's approval of an application the workflow holds for review completes it. */
  const approvedByVerifier = async (ctx: Awaited<ReturnType<typeof setup>>, userId: string) => {
    await ctx.runner.resume((await ctx.users.findUser(userId))!.reviewTaskToken!, { decision: 'APPROVE', actorId: 'verifier-1' });
    await ctx.runner.finished(userId);
    return ctx.statusOf(userId);
  };

  it('approves a match whose registry agency is one the tenant names (case, spacing and punctuation aside)', async () => {
    const ctx = await setup(Duration.days(14), undefined, undefined, { registryAgencies: ['Kepolisian Daerah Contoh', 'pemerintah kabupaten  CONTOH.'] });
    const result = await screened(ctx, await ctx.submittedUser(siti));
    expect(result).toMatchObject({ status: 'APPROVED', screening: { outcome: 'MATCH' }, mail: ['accountInfo', 'setPassphrase'], approvals: 1 });
    expect(result.screening?.mismatches).toBeUndefined();
    expect(result.actions).toEqual(['SCREENED_MATCH', 'APPLICATION_APPROVED']);
  });

  it('sends a match of another agency to a verifier, naming the registry\'s agency, and approves nothing until one decides', async () => {
    const ctx = await setup(Duration.days(14), undefined, undefined, { registryAgencies: ['Pemerintah Kota Lain'] });
    const user = await ctx.submittedUser(siti);
    const result = await screened(ctx, user);
    expect(result).toMatchObject({
      status: 'AWAITING_REVIEW',
      screening: { outcome: 'NO_MATCH', mismatches: ['Instansi di data BKN berbeda: Pemerintah Kabupaten Contoh'], registry: { agency: 'Pemerintah Kabupaten Contoh' } },
      mail: [], approvals: 0,
    });
    expect(result.actions).toEqual(['SCREENED_NO_MATCH', 'REVIEW_REQUESTED']);
    expect(await approvedByVerifier(ctx, user.userId)).toBe('APPROVED');
  });

  it('sends every match to a verifier while the tenant names no registry agency, saying so', async () => {
    for (const tenantFields of [{}, { registryAgencies: [] }]) {
      const ctx = await setup(Duration.days(14), undefined, undefined, tenantFields);
      const result = await screened(ctx, await ctx.submittedUser(siti));
      expect(result).toMatchObject({
        status: 'AWAITING_REVIEW',
        screening: {
          outcome: 'NO_MATCH',
          mismatches: ['Instansi di data BKN (Pemerintah Kabupaten Contoh) belum dapat dicocokkan: operator belum mengatur nama instansi ini di data kepegawaian'],
        },
        mail: [], approvals: 0,
      });
    }
  });

  it('a NIK that differs and another agency: the verifier is told both', async () => {
    const ctx = await setup(Duration.days(14), undefined, undefined, { registryAgencies: ['Pemerintah Kota Lain'] });
    const result = await screened(ctx, await ctx.submittedUser({ ...siti, nik: '7271015503850099' }));
    expect(result.screening?.mismatches).toEqual(['NIK berbeda dengan data kepegawaian', 'Instansi di data BKN berbeda: Pemerintah Kabupaten Contoh']);
  });

  it('a self-application that matches is approved on its own, in OPEN and in REVIEW tenants (#13: REVIEW holds the link, not the screening)', async () => {
    const agencies = { registryAgencies: ['Pemerintah Kabupaten Contoh'] };
    const selfApplied = { selfApplication: { appliedAt: '2026-01-01T00:00:00.000Z' } };
    for (const selfApplication of ['OPEN', 'REVIEW'] as const) {
      const ctx = await setup(Duration.days(14), undefined, undefined, { ...agencies, selfApplication });
      expect(await screened(ctx, await ctx.submittedUser(siti, selfApplied))).toMatchObject({ status: 'APPROVED', screening: { outcome: 'MATCH' } });
    }
  });
});
