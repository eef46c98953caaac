import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports.js';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../infra/local/runtime.js';
import { client, eventually, otherEmployment } from './enrollment-flow.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tte-e2e-restart-'));
let runtime: LocalRuntime | undefined;
afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local runtime across a restart', () => {
  it('keeps a user waiting for review decidable, with the same seed and data', async () => {
    const options: LocalRuntimeOptions = {
      dataDir, apiPort: await freePort(), mailPort: await freePort(), s3Port: await freePort(), dynamodbPort: await freePort(), privacyMinReadSeconds: 0,
    };
    runtime = await startLocalRuntime(options);
    const seed = runtime.seed;
    let http = client(seed.apiUrl, seed.mailUrl, seed.verifier.apiKey);
    const { userId, token } = await http.register('Wulan Sari', 'wulan@contoh.go.id');
    await http.activate(token, { fullName: 'Wulan Sari', nik: '7271016702930006' }, otherEmployment);
    expect((await http.submit(token)).status).toBe(202);
    await eventually(async () => ((await http.statusOf(userId)) === 'AWAITING_REVIEW' ? true : undefined), 'AWAITING_REVIEW');
    await runtime.stop();

    runtime = await startLocalRuntime(options);
    expect(runtime.seed.verifier.apiKey).toBe(seed.verifier.apiKey); // seeding is idempotent
    http = client(runtime.seed.apiUrl, runtime.seed.mailUrl, seed.verifier.apiKey);
    const decided = await http.call('POST', `/v1/users/${userId}/decision`, { key: seed.verifier.apiKey, body: { decision: 'APPROVE' } });
    expect(decided).toEqual({ status: 200, body: { status: 'APPROVED' } });
    await http.waitForMail('wulan@contoh.go.id', '[TTE] Informasi Akun');
    await http.waitForMail('wulan@contoh.go.id', '[TTE] Set Passphrase');
    // The workflow picked up after the restart finished too (no failure recorded on the user).
    const detail = await http.call('GET', `/v1/users/${userId}`, { key: seed.verifier.apiKey });
    expect(detail.body.workflowFailure).toBeUndefined();
  });
});

describe('bulk registration from CSV', () => {
  it('registers each valid row once, reports the others by line, and re-importing creates nothing', async () => {
    runtime ??= await startLocalRuntime({
      dataDir, apiPort: await freePort(), mailPort: await freePort(), s3Port: await freePort(), dynamodbPort: await freePort(), privacyMinReadSeconds: 0,
    });
    const csv = [
      'fullName,email,phone',
      'Agus Salim,agus.salim@contoh.go.id,081234567890',
      'Dr. Budi,budi.dr@contoh.go.id,',
      'Citra Dewi,citra@gmail.com,',
      'Dian Puspita,dian.puspita@contoh.go.id,',
      'Agus Salim,agus.salim@contoh.go.id,',
    ].join('\r\n');
    const post = () => fetch(`${runtime!.seed.apiUrl}/v1/users/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'x-api-key': runtime!.seed.verifier.apiKey },
      body: csv,
    }).then(async (response) => ({ status: response.status, body: await response.json() as { created: { line: number }[]; rejected: { line: number; code: string; detail: string }[] } }));

    const first = await post();
    expect(first.status).toBe(200);
    expect(first.body.created.map((row) => row.line)).toEqual([2, 5]);
    expect(first.body.rejected.map((row) => [row.line, row.code])).toEqual([
      [3, 'VALIDATION_FAILED'], [4, 'EMAIL_DOMAIN_NOT_ALLOWED'], [6, 'EMAIL_ALREADY_REGISTERED'],
    ]);
    expect(first.body.rejected[1]?.detail).toMatch(/contoh\.go\.id|domain/);

    const again = await post();
    expect(again.body.created).toEqual([]);
    expect(again.body.rejected.filter((row) => row.code === 'EMAIL_ALREADY_REGISTERED').map((row) => row.line)).toEqual([2, 5, 6]);

    const wrongType = await fetch(`${runtime!.seed.apiUrl}/v1/users/import`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': runtime!.seed.verifier.apiKey }, body: '{}',
    });
    expect(wrongType.status).toBe(415);
  });
});
