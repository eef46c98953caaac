import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Duration } from 'aws-cdk-lib';
import { ApprovalFlow } from '../../infra/constructs/approval-flow.js';
import { bootLoadRuntime, ClientClock, loadPeople, Meter, runMix, stateTransitions, type Holder, type PeopleFlows } from '../bench/load.js';

// The load bench's generator (test/bench/load.ts) at a tiny size: every flow of the mix runs on the
// local runtime, none fails, nothing answers 5xx, and the probes the cost model relies on count.
describe('the load mix at a tiny size', () => {
  const meter = new Meter();
  let runtime: Awaited<ReturnType<typeof bootLoadRuntime>>;
  let clock: ClientClock;
  let flows: PeopleFlows;
  const holders: Holder[] = [];
  const signed: Uint8Array[] = [];

  beforeAll(async () => {
    const people = await loadPeople(10);
    runtime = await bootLoadRuntime(meter, people.registryFile);
    clock = new ClientClock(runtime.api, runtime.endpoints.s3);
    clock.install();
    flows = people.flows(runtime);
    for (let i = 0; i < 2; i++) {
      const holder = await flows.enroll();
      await flows.logIn(holder);
      holders.push(holder);
    }
    signed.push(await flows.sign(holders[0]!));
  });

  afterAll(async () => {
    clock?.uninstall();
    await runtime?.shutdown();
  });

  it('runs each flow of the mix without a failure or a 5xx, and its units are counted', async () => {
    const before = { ...meter.counts };
    const result = await runMix(flows, holders, signed, { count: 8, seconds: 60, concurrency: 2, mix: { enrollment: 1, login: 1, signature: 1, verification: 1 } });
    expect(result.failures).toEqual([]);
    expect(Object.values(result.flows).reduce((sum, n) => sum + n, 0)).toBe(8);
    const answered = [...clock.routes].flatMap(([route, entry]) => Object.entries(entry.statuses).map(([status, n]) => ({ route, status: Number(status), n })));
    expect(answered.filter((answer) => answer.status >= 500)).toEqual([]);
    for (const route of ['POST /v1/users', 'POST /v1/enrollment/{token}', 'POST /v1/auth/login/otp', 'POST /v1/signatures/pdf', 'POST /v1/verifications/pdf']) {
      expect(clock.routes.get(route)?.ms.length ?? 0, route).toBeGreaterThan(0);
    }
    // DynamoDB Local answered ReturnConsumedCapacity, and the signatures reached the key vault and S3.
    expect(meter.counts.wcu).toBeGreaterThan(before.wcu);
    expect(meter.counts.rcu).toBeGreaterThan(before.rcu);
    expect(meter.routes.get('POST /v1/signatures/pdf')?.kms ?? 0).toBeGreaterThan(0);
    expect(meter.counts.s3).toBeGreaterThan(before.s3);
  }, 120_000);

  it('walks the approval flow\'s state transitions from the tasks an execution ran', () => {
    const definition = ApprovalFlow.renderDefinition(Duration.days(14)) as unknown as Parameters<typeof stateTransitions>[0];
    // Screen → Screened → Approve → Approved: the registry's automatic approval.
    expect(stateTransitions(definition, ['screen', 'approve'])).toBe(4);
    // Screen → Screened → AwaitReview → Decision → Reject → Rejected: a verifier's rejection.
    expect(stateTransitions(definition, ['screen', 'awaitReview', 'reject'])).toBe(6);
  });
});
