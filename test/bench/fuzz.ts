import { answerProblems, describePlan, fuzzPlans, histogram, prepareFuzz, send, type FuzzPlan } from '../e2e/fuzz.js';
import { bootLocalRuntime } from '../e2e/runtime.js';

/**
 * `npm run bench -- fuzz`: the fuzz sweep's generator (test/e2e/fuzz.ts) at a much larger count,
 * 20,000 requests or 5 minutes, whichever comes first (FUZZ_REQUESTS and FUZZ_SECONDS change
 * them). Every answer is checked as in the sweep (no 5xx, each surface's error shape); the table
 * is not compared here (the sweep does that per batch), so the figure is the service's pace.
 */
export async function fuzz(): Promise<void> {
  const total = Number(process.env.FUZZ_REQUESTS ?? 20_000);
  const budgetMs = Number(process.env.FUZZ_SECONDS ?? 300) * 1000;
  const seed = Number(process.env.FUZZ_SEED ?? 20261206);
  const concurrency = 16;
  const runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0 });
  try {
    const { operations, credentials } = await prepareFuzz(runtime);
    const plans = fuzzPlans(operations, Math.ceil(total / operations.length), seed).slice(0, total);
    const statuses: number[] = [];
    const latencies: number[] = [];
    const serverErrors = new Map<string, string>();
    const shapeFailures = new Map<string, string>();
    /** What the valid-looking bodies met: how deep the generated requests reach into the use cases. */
    const validCodes: string[] = [];
    const retried: string[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < plans.length && performance.now() - started < budgetMs) {
        const plan: FuzzPlan = plans[next++]!;
        const answer = await send(runtime.api, plan, credentials);
        statuses.push(answer.status);
        latencies.push(answer.ms);
        if (plan.mutation === 'valid') validCodes.push(codeOf(answer));
        if (answer.retried) retried.push(`${describePlan(plan)} → ${answer.retried}, then ${answer.status}`);
        for (const problem of answerProblems(runtime.api, plan, answer)) {
          // One example per operation and kind of failure is enough to act on.
          const failures = answer.status >= 500 ? serverErrors : shapeFailures;
          const key = `${plan.operation} ${problem.slice(0, 40)}`;
          if (!failures.has(key)) failures.set(key, `${describePlan(plan)} → ${problem}`);
        }
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(1);
    console.log(`\nFuzz (test/e2e/fuzz.ts generator, seed ${seed}): ${statuses.length.toLocaleString('en')} requests over ${operations.length} operations in ${seconds.toFixed(1)} s, concurrency ${concurrency}: ${(statuses.length / seconds).toFixed(0)} requests/s`);
    console.log(`  latency p50 ${at(50)} ms, p95 ${at(95)} ms, p99 ${at(99)} ms`);
    console.log(`  statuses: ${histogram(statuses)}`);
    const codes = new Map<string, number>();
    for (const code of validCodes) codes.set(code, (codes.get(code) ?? 0) + 1);
    console.log(`  valid-looking bodies answered: ${[...codes.entries()].sort(([, a], [, b]) => b - a).slice(0, 25).map(([code, count]) => `${code} ${count}`).join(', ')}`);
    console.log(`  5xx: ${statuses.filter((status) => status >= 500).length}${serverErrors.size ? '' : ' (target 0: ok)'}`);
    for (const failure of serverErrors.values()) console.log(`    ${failure}`);
    console.log(`  connections dropped before an answer and sent again (answered the second time): ${retried.length}`);
    for (const drop of retried.slice(0, 5)) console.log(`    ${drop}`);
    console.log(`  answers not in their surface's error shape: ${[...shapeFailures.keys()].length === 0 ? '0 (ok)' : shapeFailures.size}`);
    for (const failure of shapeFailures.values()) console.log(`    ${failure}`);
  } finally {
    await runtime.shutdown();
  }
}

/** An answer's status with its error code (problem+json `code`, BSrE `status_code`), for the histogram. */
function codeOf(answer: { status: number; text: string }): string {
  if (answer.status < 400) return String(answer.status);
  try {
    const body = JSON.parse(answer.text) as { code?: string; status_code?: number };
    return `${answer.status} ${body.code ?? body.status_code ?? ''}`.trim();
  } catch {
    return String(answer.status);
  }
}
