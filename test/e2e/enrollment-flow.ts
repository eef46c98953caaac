import { readFileSync } from 'node:fs';
import { linkToken, mailTo, type Mail } from './runtime.js';

export const sampleKtp = readFileSync(new URL('../fixtures/sample-ktp.png', import.meta.url));
export const sampleSelfie = readFileSync(new URL('../fixtures/sample-selfie.jpg', import.meta.url));

/** Throws with the response when a step did not answer as expected (works in tests and the bench). */
function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Waits until `probe` gives a value, or fails after the timeout. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A small HTTP client for one local runtime, as a browser or a verifier's tool would call it.
 * Used by the e2e tests and the bench, so it asserts nothing itself beyond "the step worked".
 */
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

  const waitForMail = (to: string, subject: string): Promise<Mail> =>
    eventually(async () => (await mailTo(mailUrl, to)).find((mail) => mail.subject === subject), `"${subject}" to ${to}`);

  const register = async (fullName: string, email: string) => {
    const created = await call('POST', '/v1/users', { key: verifierKey, body: { fullName, email } });
    check(created.status === 201, `register: ${created.status} ${JSON.stringify(created.body)}`);
    const mail = await waitForMail(email, '[TTE] Aktivasi Akun');
    return { userId: String(created.body.userId), token: linkToken(mail, 'activate') };
  };

  /** Request an upload, PUT the bytes where told, confirm. */
  const uploadPhoto = async (token: string, kind: 'KTP' | 'SELFIE', bytes: Buffer, contentType: string) => {
    const slot = await call('POST', `/v1/activation/${token}/photos`, { body: { kind, contentType, contentLength: bytes.length } });
    check(slot.status === 201, `photo slot: ${slot.status} ${JSON.stringify(slot.body)}`);
    const put = await fetch(slot.body.uploadUrl, { method: 'PUT', headers: slot.body.uploadHeaders, body: bytes });
    check(put.status === 200, `upload: ${put.status}`);
    return { photoId: String(slot.body.photoId), confirm: await call('POST', `/v1/activation/${token}/photos/${slot.body.photoId}/confirm`) };
  };

  /** Everything up to (not including) submit. */
  const activate = async (token: string, identity: { fullName: string; nik: string }, employment: Record<string, unknown>) => {
    for (const [what, response] of [
      ['identity', await call('PUT', `/v1/activation/${token}/identity`, { body: identity })],
      ['employment', await call('PUT', `/v1/activation/${token}/employment`, { body: employment })],
      ['KTP photo', (await uploadPhoto(token, 'KTP', sampleKtp, 'image/png')).confirm],
      ['selfie', (await uploadPhoto(token, 'SELFIE', sampleSelfie, 'image/jpeg')).confirm],
      ['privacy policy', await call('POST', `/v1/activation/${token}/privacy-policy/view`)],
    ] as const) check(response.status === 200, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
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
