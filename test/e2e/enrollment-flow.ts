import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { linkToken, mailTo, type Mail } from './runtime.js';

export const sampleKtp = readFileSync(new URL('../fixtures/sample-ktp.png', import.meta.url));
export const sampleSelfie = readFileSync(new URL('../fixtures/sample-selfie.jpg', import.meta.url));

/** A small HTTP client for one local runtime, as a browser or a verifier's tool would call it. */
export function client(api: string, mailUrl: string, verifierKey: string) {
  const call = async (method: string, path: string, options: { key?: string; body?: unknown } = {}) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: {
        ...(options.key ? { 'x-api-key': options.key } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) as Record<string, any> : {} };
  };

  const waitForMail = async (to: string, subject: string): Promise<Mail> => {
    let found: Mail | undefined;
    await expect.poll(async () => {
      found = (await mailTo(mailUrl, to)).find((mail) => mail.subject === subject);
      return found !== undefined;
    }, { timeout: 15_000, interval: 100 }).toBe(true);
    return found!;
  };

  const register = async (fullName: string, email: string) => {
    const created = await call('POST', '/v1/users', { key: verifierKey, body: { fullName, email } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const mail = await waitForMail(email, '[TTE] Aktivasi Akun');
    return { userId: String(created.body.userId), token: linkToken(mail, 'activate') };
  };

  /** Request an upload, PUT the bytes where told, confirm. */
  const uploadPhoto = async (token: string, kind: 'KTP' | 'SELFIE', bytes: Buffer, contentType: string) => {
    const slot = await call('POST', `/v1/activation/${token}/photos`, { body: { kind, contentType, contentLength: bytes.length } });
    expect(slot.status, JSON.stringify(slot.body)).toBe(201);
    const put = await fetch(slot.body.uploadUrl, { method: 'PUT', headers: slot.body.uploadHeaders, body: bytes });
    expect(put.status).toBe(200);
    return { photoId: String(slot.body.photoId), confirm: await call('POST', `/v1/activation/${token}/photos/${slot.body.photoId}/confirm`) };
  };

  /** Everything up to (not including) submit. */
  const activate = async (token: string, identity: { fullName: string; nik: string }, employment: Record<string, unknown>) => {
    expect((await call('PUT', `/v1/activation/${token}/identity`, { body: identity })).status).toBe(200);
    const saved = await call('PUT', `/v1/activation/${token}/employment`, { body: employment });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await uploadPhoto(token, 'KTP', sampleKtp, 'image/png')).confirm.status).toBe(200);
    expect((await uploadPhoto(token, 'SELFIE', sampleSelfie, 'image/jpeg')).confirm.status).toBe(200);
    expect((await call('POST', `/v1/activation/${token}/privacy-policy/view`)).status).toBe(200);
  };

  const submit = (token: string) => call('POST', `/v1/activation/${token}/submit`, { body: { acceptPrivacyPolicy: true } });
  /** Submit once the minimum reading time (1 s in the e2e runtime) has passed. */
  const submitAfterReading = async (token: string) => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    return submit(token);
  };

  const statusOf = async (userId: string) => (await call('GET', `/v1/users/${userId}`, { key: verifierKey })).body.status as string;

  return { call, waitForMail, register, uploadPhoto, activate, submit, submitAfterReading, statusOf };
}

export const otherEmployment = {
  employmentType: 'OTHER', position: 'Tenaga Ahli Sistem Informasi', unitName: 'Bidang Aplikasi Informatika',
  province: 'Sulawesi Tengah', city: 'Kota Palu',
};
