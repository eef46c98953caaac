import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatJakartaTime } from '../../shared/domain/jakarta-time.js';
import { privacyPolicy } from '../../shared/domain/privacy-policy.js';
import { accountsClient, ahmadFauzi, sitiAminah, type Credentials } from './accounts-flow.js';
import { addOtherTenant, bootLocalRuntime } from './runtime.js';
import { nssTrustingCa, pdfsig, requireTools, run } from './signing-tools.js';

// The sealed personal-data statement on the local runtime: made from the recorded consent, sealed
// with the service's own key and certificate, checked by the verify API and by pdfsig; who may
// have it, and what is refused.
let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let people: ReturnType<typeof accountsClient>;
let siti: { userId: string; auth: Credentials };
let otherTenantKey: string;
let work: string;
let nss: string;

beforeAll(async () => {
  await requireTools();
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0 });
  people = accountsClient(runtime);
  const email = 'siti.pernyataan@contoh.go.id';
  const active = await people.activeCivilServant({ ...sitiAminah, email }, 'Kantor#Palu2026');
  siti = { userId: active.userId, auth: { bearer: active.session.sessionToken } };
  otherTenantKey = (await addOtherTenant(runtime, 'consent statement e2e')).verifierKey;
  work = mkdtempSync(join(tmpdir(), 'tte-statement-'));
  nss = await nssTrustingCa(runtime.api, work);
}, 180_000);
afterAll(async () => {
  await runtime?.shutdown();
});

/** A GET whose answer may be a PDF: the bytes as sent, and the problem when it is one. */
async function download(path: string, auth: Credentials) {
  const response = await fetch(`${runtime.api}${path}`, {
    headers: { ...(auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {}), ...(auth.key ? { 'x-api-key': auth.key } : {}) },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, bytes, problem: /json/.test(type) ? JSON.parse(bytes.toString('utf8')) as Record<string, any> : undefined };
}

async function pdfText(pdf: Buffer, name: string): Promise<string> {
  const file = join(work, name);
  writeFileSync(file, pdf);
  return (await run('pdftotext', ['-layout', file, '-'])).stdout;
}

describe('the sealed personal-data statement', () => {
  it('the person downloads theirs: sealed by the service, VALID and trusted in the verify API and in pdfsig, holding the consent time (WIB), the policy version and its hash', async () => {
    const statement = await download('/v1/me/consent-statement', siti.auth);
    expect(statement.status, JSON.stringify(statement.problem)).toBe(200);
    expect(statement.headers.get('content-type')).toBe('application/pdf');
    expect(statement.headers.get('content-disposition')).toContain('attachment;');
    expect(statement.headers.get('cache-control')).toBe('no-store');
    expect(statement.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const answer = await fetch(`${runtime.api}/v1/verifications/pdf`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: statement.bytes });
    const report = await answer.json() as Record<string, any>;
    expect(answer.status, JSON.stringify(report)).toBe(200);
    expect(report.conclusion).toBe('VALID');
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]).toMatchObject({
      signerName: 'TTE Lokal Segel Elektronik', integrityValid: true, certificateTrusted: true, level: 'PAdES-B-LT', ltv: true, conclusion: 'VALID',
      revocation: { status: 'good' }, timestamp: { valid: true, trusted: true },
    });

    const file = join(work, 'pernyataan.pdf');
    writeFileSync(file, statement.bytes);
    const checked = await pdfsig(file, nss);
    expect(checked).toContain('Signature Validation: Signature is Valid.');
    expect(checked).toContain('Certificate Validation: Certificate is Trusted.');
    expect(checked).toContain('Signer Certificate Common Name: TTE Lokal Segel Elektronik');
    await run('qpdf', ['--check', file]);

    // What the verifier sees of the consent is what the statement says.
    const profile = await people.send('GET', `/v1/users/${siti.userId}`, { auth: { key: runtime.seed.verifier.apiKey } });
    const consent = profile.body.consent as { version: string; acceptedAt: string; sourceIp: string };
    const text = (await pdfText(statement.bytes, 'pernyataan.pdf')).replace(/\s+/g, ' ');
    expect(text).toContain('SURAT PERNYATAAN PENGGUNAAN DATA PRIBADI');
    expect(text).toContain('Siti Aminah');
    expect(text).toContain(sitiAminah.nip);
    expect(text).toContain(sitiAminah.unitName);
    expect(text).toContain('Pemerintah Kabupaten Contoh');
    expect(text).toContain(formatJakartaTime(consent.acceptedAt));
    expect(text).toContain(`versi ${privacyPolicy.version}`);
    expect(text).toMatch(/SHA-256 kebijakan privasi : [0-9a-f]{64}/);
    expect(text).toContain(consent.sourceIp);
    expect(text).toContain(`${runtime.api}/web/verify`);
  });

  it('the same consent gives the same statement text every time', async () => {
    const [first, second] = await Promise.all([download('/v1/me/consent-statement', siti.auth), download('/v1/me/consent-statement', siti.auth)]);
    expect(await pdfText(first.bytes, 'satu.pdf')).toBe(await pdfText(second.bytes, 'dua.pdf'));
  });

  it("the tenant's verifier downloads it, and the download is in the audit trail as a read of the person's data", async () => {
    const statement = await download(`/v1/users/${siti.userId}/consent-statement`, { key: runtime.seed.verifier.apiKey });
    expect(statement.status, JSON.stringify(statement.problem)).toBe(200);
    expect(statement.headers.get('content-type')).toBe('application/pdf');
    const trail = await people.send('GET', `/v1/audit?userId=${siti.userId}&action=CONSENT_STATEMENT_DOWNLOADED`, { auth: { key: runtime.seed.verifier.apiKey } });
    expect(trail.status, trail.text).toBe(200);
    expect(trail.body.items).toHaveLength(1);
    // One entry: the verifier's. The person's own downloads above are not recorded one by one.
    expect(trail.body.items[0]).toMatchObject({ actorRole: 'VERIFIER', tenantId: runtime.seed.tenant.tenantId, requestId: expect.any(String) });
  });

  it("another tenant's verifier hears of no such user (404), and nothing is recorded", async () => {
    const foreign = await download(`/v1/users/${siti.userId}/consent-statement`, { key: otherTenantKey });
    expect(foreign.status).toBe(404);
    expect(foreign.problem).toMatchObject({ code: 'USER_NOT_FOUND' });
    const trail = await people.send('GET', `/v1/audit?userId=${siti.userId}&action=CONSENT_STATEMENT_DOWNLOADED`, { auth: { key: runtime.seed.verifier.apiKey } });
    expect(trail.body.items).toHaveLength(1);
  });

  it('someone who has not consented yet has no statement: 409 CONSENT_NOT_GIVEN, in Indonesian', async () => {
    const invited = await people.enrollment.register(ahmadFauzi.fullName, 'ahmad.pernyataan@contoh.go.id');
    const refused = await download(`/v1/users/${invited.userId}/consent-statement`, { key: runtime.seed.verifier.apiKey });
    expect(refused.status).toBe(409);
    expect(refused.problem).toMatchObject({ code: 'CONSENT_NOT_GIVEN', detail: expect.stringContaining('persetujuan') });
    expect((await download('/v1/users/tidak-ada/consent-statement', { key: runtime.seed.verifier.apiKey })).status).toBe(404);
  });

  it('is refused to an integrator key and to a person asking for someone else', async () => {
    expect([401, 403]).toContain((await download('/v1/me/consent-statement', { key: runtime.seed.verifier.apiKey })).status);
    expect((await download(`/v1/users/${siti.userId}/consent-statement`, siti.auth)).status).toBe(403);
  });
});
