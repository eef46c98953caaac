import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoClient, createS3Client } from '../../shared/adapters/aws/clients.js';
import { keys } from '../../shared/data/table.js';
import { localPhotoBucket } from '../../infra/local/runtime.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { Authenticators } from './accounts-flow.js';
import { client, sampleSelfie } from './enrollment-flow.js';
import { samplePdf } from './signing-tools.js';
import { addOtherTenant, bootLocalRuntime, linkToken, mailTo } from './runtime.js';
import { lookAt, newTab, phone } from './web-pages.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
let http: ReturnType<typeof client>;
let s3: S3Client;
const otp = new Authenticators();
const key = () => runtime.seed.verifier.apiKey;
const tenantId = () => runtime.seed.tenant.tenantId;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 1 }), launchBrowser()]);
  http = client(runtime.api, runtime.mail, key());
  s3 = createS3Client({ s3: runtime.endpoints.s3, region: localRegion, credentials: localCredentials });
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await browser?.close();
  await runtime?.shutdown();
});

const postLetter = async (bytes: Uint8Array, contentType = 'application/pdf', apiKey = key()) => {
  const response = await fetch(`${runtime.api}/v1/request-letters`, { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': contentType }, body: bytes });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const postCsv = async (csv: string, query = '', apiKey = key()) => {
  const response = await fetch(`${runtime.api}/v1/users/import${query}`, { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'text/csv' }, body: csv });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const storedLetters = async (tenant = tenantId()) =>
  ((await s3.send(new ListObjectsV2Command({ Bucket: localPhotoBucket, Prefix: `kyc/${tenant}/letters/` }))).Contents ?? []).map((object) => object.Key!);
const userByEmail = async (email: string) => (await http.call('GET', `/v1/users?q=${encodeURIComponent(email)}`, { key: key() })).body.items as { userId: string }[];

describe('request letters over HTTP', () => {
  let letterId: string;
  let letterBytes: Uint8Array;

  it('files a genuine PDF once and answers its id', async () => {
    letterBytes = await samplePdf('Surat Permohonan Penerbitan Sertifikat Elektronik', 2);
    const filed = await postLetter(letterBytes);
    expect(filed.status).toBe(201);
    letterId = filed.body.letterId;
    expect(await storedLetters()).toEqual([`kyc/${tenantId()}/letters/${letterId}.pdf`]);
  });

  it.each([
    ['an image', async () => new Uint8Array(sampleSelfie), 'application/pdf', 422, 'LETTER_INVALID'],
    ['an empty body', async () => new Uint8Array(), 'application/pdf', 422, 'LETTER_INVALID'],
    ['a truncated PDF', async () => (await samplePdf('Terpotong', 3)).subarray(0, 500), 'application/pdf', 422, 'LETTER_INVALID'],
    ['a 50 MB body', async () => {
      const big = new Uint8Array(50 * 1024 * 1024);
      big.set(Buffer.from('%PDF-1.7\n'));
      return big;
    }, 'application/pdf', 413, 'PAYLOAD_TOO_LARGE'],
    ['a PDF just over 5 MB', async () => {
      const big = new Uint8Array(5 * 1024 * 1024 + 1);
      big.set(await samplePdf('Besar'));
      return big;
    }, 'application/pdf', 413, 'PAYLOAD_TOO_LARGE'],
    ['a PDF sent as an image', async () => samplePdf('Jenis salah'), 'image/jpeg', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('refuses %s with its code and stores nothing', async (_label, make, contentType, status, code) => {
    const before = await storedLetters();
    const refused = await postLetter(await make(), contentType);
    expect(refused.status).toBe(status);
    expect(refused.body.code).toBe(code);
    expect(await storedLetters()).toEqual(before);
  });

  it("registers with the letter; the user's page links it for 5 minutes and the read is audited", async () => {
    const created = await http.call('POST', '/v1/users', { key: key(), body: { fullName: 'Rina Marlina', email: 'rina.marlina@contoh.go.id', letterId } });
    expect(created.status).toBe(201);
    const user = (await http.call('GET', `/v1/users/${created.body.userId}`, { key: key() })).body;
    expect(user.requestLetter).toMatchObject({ letterId, pages: 2, size: letterBytes.byteLength });
    expect(new URL(user.requestLetter.url).searchParams.get('X-Amz-Expires')).toBe('300');
    const download = await fetch(user.requestLetter.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(letterBytes))).toBe(true);
    const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
    try {
      const trail = await db.send(new QueryCommand({
        TableName: runtime.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': keys.userPartition(created.body.userId), ':audit': keys.auditPrefix },
      }));
      expect(trail.Items?.filter((entry) => entry.action === 'PROFILE_VIEWED').map((entry) => entry.target)).toEqual(['LETTER']);
    } finally {
      db.destroy();
    }
  });

  it("refuses another tenant's letter (and an unknown one) with 404 LETTER_NOT_FOUND, registering nobody", async () => {
    const other = await addOtherTenant(runtime, 'letters other tenant');
    const theirs = await postLetter(await samplePdf('Surat Dinas Lain'), 'application/pdf', other.verifierKey);
    expect(theirs.status).toBe(201);
    for (const letter of [theirs.body.letterId, 'tidak-ada']) {
      const refused = await http.call('POST', '/v1/users', { key: key(), body: { fullName: 'Sari Wulan', email: 'sari.wulan@contoh.go.id', letterId: letter } });
      expect(refused.status).toBe(404);
      expect(refused.body.code).toBe('LETTER_NOT_FOUND');
      const imported = await postCsv('fullName,email\nSari Wulan,sari.wulan@contoh.go.id\n', `?letterId=${encodeURIComponent(letter)}`);
      expect(imported.status).toBe(404);
      expect(imported.body.code).toBe('LETTER_NOT_FOUND');
    }
    expect(await userByEmail('sari.wulan@contoh.go.id')).toEqual([]);
    expect(await mailTo(runtime.mail, 'sari.wulan@contoh.go.id')).toEqual([]);
  });

  it('imports a spreadsheet list (`;`, BOM, columns reordered and in any case, a formula cell) with the letter, naming the failed column per row', async () => {
    const csv = [
      '\uFEFFEmail;NIP;FullName;unitname;Position;phone',
      'andi.pratama@contoh.go.id;198503152010011001;Andi Pratama;Bidang Aplikasi Informatika;Pranata Komputer Ahli Muda;081234567801',
      'dewi.sartika@contoh.go.id;;Dewi Sartika;"=HYPERLINK(""http://jahat.example"",""Klik"")";;',
      'bayu.nugroho@contoh.go.id;12345;Bayu Nugroho;;;',
    ].join('\r\n');
    const imported = await postCsv(csv, `?letterId=${letterId}`);
    expect(imported.status).toBe(200);
    expect(imported.body.created.map((row: { line: number }) => row.line)).toEqual([2, 3]);
    expect(imported.body.rejected).toEqual([{
      line: 4, code: 'VALIDATION_FAILED', detail: expect.any(String),
      errors: [{ field: 'nip', code: 'NIP_INVALID', message: expect.stringContaining('NIP tidak valid') }],
    }]);
    for (const { userId } of imported.body.created as { userId: string }[]) {
      expect((await http.call('GET', `/v1/users/${userId}`, { key: key() })).body.requestLetter.letterId).toBe(letterId);
    }
    const dewi = (await http.call('GET', `/v1/users/${imported.body.created[1].userId}`, { key: key() })).body;
    expect(dewi.employmentPrefill).toEqual({ unitName: '=HYPERLINK("http://jahat.example","Klik")' });
    // One letter for the batch: still the single file filed above.
    expect(await storedLetters()).toHaveLength(1);
  });

  it('refuses 1,001 rows with IMPORT_TOO_MANY_ROWS, registering nobody', async () => {
    const rows = Array.from({ length: 1001 }, (_, index) => `Pegawai ${'abcdefghij'[index % 10]}${'abcdefghij'[Math.floor(index / 10) % 10]}${'abcdefghij'[Math.floor(index / 100) % 10]};massal${index}@contoh.go.id`);
    const refused = await postCsv(['fullName;email', ...rows].join('\n'));
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('IMPORT_TOO_MANY_ROWS');
    expect(await userByEmail('massal0@contoh.go.id')).toEqual([]);
  });

  it('the activation answers the prefill, and the employment step shows it for the employee to confirm or correct', async () => {
    const imported = await postCsv('fullName,email,nip,position,unitName\nSiti Rahma,siti.rahma@contoh.go.id,198503152010012003,Analis Kebijakan,Bagian Organisasi\n');
    expect(imported.body.created).toHaveLength(1);
    const token = linkToken(await http.waitForMail('siti.rahma@contoh.go.id', '[TTE] Aktivasi Akun'), 'activate');
    const activation = await http.call('GET', `/v1/activation/${token}`);
    expect(activation.body.prefill).toEqual({ nip: '198503152010012003', position: 'Analis Kebijakan', unitName: 'Bagian Organisasi' });
    expect((await http.call('PUT', `/v1/activation/${token}/identity`, { body: { fullName: 'Siti Rahma', nik: '7271015503850001' } })).status).toBe(200);

    const page = await (await fetch(`${runtime.api}/web/activate/${token}?langkah=kepegawaian`)).text();
    expect(page).toContain('value="198503152010012003"');
    expect(page).toContain('value="Analis Kebijakan"');
    expect(page).toContain('value="Bagian Organisasi"');
    expect(page).toContain('sudah diisi dari daftar pegawai');

    const context = await phone(browser);
    const tab = await newTab(context);
    await tab.page.goto(`${runtime.api}/web/activate/${token}?langkah=kepegawaian`);
    await expect(tab.page.getByLabel('NIP').inputValue()).resolves.toBe('198503152010012003');
    await expect(tab.page.getByLabel('ASN', { exact: true }).isChecked()).resolves.toBe(true);
    await lookAt(tab, 'activation-employment-prefilled');
    // The employee corrects the position and confirms the rest.
    await tab.page.getByLabel('Jabatan').fill('Analis Kebijakan Ahli Pertama');
    await tab.page.getByLabel('Provinsi').selectOption({ label: 'Sulawesi Tengah' });
    await tab.page.getByLabel('Kabupaten/Kota').selectOption({ label: 'Kota Palu' });
    await tab.page.getByRole('button', { name: 'Lanjut' }).click();
    await tab.page.waitForURL((url) => !url.search.includes('kepegawaian'));
    await context.close();
    const saved = (await http.call('GET', `/v1/users/${imported.body.created[0].userId}`, { key: key() })).body;
    expect(saved.employment).toMatchObject({ employmentType: 'ASN', nip: '198503152010012003', position: 'Analis Kebijakan Ahli Pertama', unitName: 'Bagian Organisasi' });
  });
});

describe('request letters in the console', () => {
  it('a verifier registers one employee with the letter attached, and the user page offers it', async () => {
    const context = await phone(browser);
    const tab = await newTab(context);
    const { page } = tab;
    await page.goto(`${runtime.api}/web/console/register`);
    await page.getByLabel('Email').fill(runtime.seed.verifier.email);
    await page.getByLabel('Kata sandi').fill(runtime.seed.verifier.password);
    await page.getByRole('button', { name: 'Lanjut' }).click();
    await page.getByLabel('Kode OTP').fill(await otp.code(runtime.seed.verifier.totpSecret));
    await page.getByRole('button', { name: 'Masuk' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Daftarkan pegawai');

    // An image as the letter: refused at the field, the other values kept.
    await page.getByLabel('Nama lengkap').fill('Yusuf Hamzah');
    await page.getByLabel('Email').fill('yusuf.hamzah@contoh.go.id');
    await page.getByLabel(/Surat permohonan/).setInputFiles({ name: 'surat.jpg', mimeType: 'image/jpeg', buffer: sampleSelfie });
    await page.getByRole('button', { name: 'Kirim undangan' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Surat permohonan');
    await expect(page.getByLabel('Email').inputValue()).resolves.toBe('yusuf.hamzah@contoh.go.id');
    expect(await userByEmail('yusuf.hamzah@contoh.go.id')).toEqual([]);
    await lookAt(tab, 'console-register-letter-refused');

    await page.getByLabel(/Surat permohonan/).setInputFiles({ name: 'surat-permohonan.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await samplePdf('Surat Permohonan', 1)) });
    await page.getByRole('button', { name: 'Kirim undangan' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Yusuf Hamzah');
    await expect(page.locator('main').textContent()).resolves.toContain('Surat permohonan');
    const href = await page.getByRole('link', { name: 'Unduh surat permohonan' }).getAttribute('href');
    const download = await fetch(href!);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await lookAt(tab, 'console-user-request-letter');

    // A list with the letter: every row registered records the one letter.
    await page.goto(`${runtime.api}/web/console/import`);
    await page.getByLabel('Data CSV').fill('nama;EMAIL;nip\nFajar Siddiq;fajar.siddiq@contoh.go.id;198503152010011001\nGita Permata;gita.permata@contoh.go.id;123');
    await page.getByLabel(/Surat permohonan/).setInputFiles({ name: 'surat.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await samplePdf('Surat Permohonan Kolektif', 2)) });
    await page.getByRole('button', { name: 'Impor dan kirim undangan' }).click();
    // "nama" is no column: the header is refused at the field, and the letter filed stays with the form.
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('judul kolom');
    await expect(page.locator('.letter-kept').textContent()).resolves.toContain('sudah diunggah');
    await page.getByLabel('Data CSV').fill('fullName;EMAIL;nip\nFajar Siddiq;fajar.siddiq@contoh.go.id;198503152010011001\nGita Permata;gita.permata@contoh.go.id;123');
    await page.getByRole('button', { name: 'Impor dan kirim undangan' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Hasil impor');
    await expect(page.locator('.lead').textContent()).resolves.toContain('1 pegawai terdaftar, 1 baris ditolak');
    await expect(page.locator('.row-rejected').textContent()).resolves.toContain('NIP');
    await lookAt(tab, 'console-import-with-letter');
    await page.getByRole('link', { name: /Lihat/ }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Fajar Siddiq');
    await expect(page.locator('.letter-link').textContent()).resolves.toContain('2 halaman');
    await context.close();
  });
});
