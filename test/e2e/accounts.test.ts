import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatJakartaTime } from '../../shared/domain/jakarta-time.js';
import { accountsClient, ahmadFauzi, sitiAminah, type Credentials, type Session } from './accounts-flow.js';
import { sampleSelfie } from './enrollment-flow.js';
import { bootLocalRuntime, linkToken, mailTo, type Mail } from './runtime.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let people: ReturnType<typeof accountsClient>;
let verifier: Credentials;

const siti = { ...sitiAminah, email: 'siti.aminah@contoh.go.id' };
const ahmad = { ...ahmadFauzi, email: 'ahmad.fauzi@contoh.go.id' };
const passwords = { setup: 'Rahasia-Siti-2025!', reset: 'Sandi-Baru-2025#', reactivated: 'Pulih-Kembali-2025$', ahmad: 'Rahasia-Ahmad-2025!' };

/** Ahmad (the lockout case) is made ready while Siti's journey runs. */
let ahmadReady: Promise<{ secret: string }>;

beforeAll(async () => {
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0 });
  people = accountsClient(runtime);
  verifier = { key: runtime.seed.verifier.apiKey };
  ahmadReady = (async () => {
    const { setupToken } = await people.approvedCivilServant(ahmad);
    return { secret: await people.setUpAccount(setupToken, passwords.ahmad, 'Ponsel Ahmad') };
  })();
  ahmadReady.catch(() => undefined); // awaited (and reported) by the lockout test
});
afterAll(async () => {
  await runtime?.shutdown();
});

const problem = (answer: { status: number; headers: Headers; body: Record<string, any> }) => ({
  status: answer.status, code: answer.body.code as string | undefined, json: answer.headers.get('content-type')?.startsWith('application/problem+json') ?? false,
});
const fieldErrors = (body: Record<string, any>) => ((body.errors ?? []) as { field: string; code: string }[]).map(({ field, code }) => `${field}:${code}`);
const statusSeenByVerifier = async (userId: string) => (await people.send('GET', `/v1/users/${userId}`, { auth: verifier })).body.status as string;
const me = (auth: Credentials) => people.send('GET', '/v1/me', { auth });

/** What Siti's journey carries from one step to the next. */
const journey = {
  userId: '',
  setupToken: '',
  secrets: {} as Record<string, string>,
  deviceIds: {} as Record<string, string>,
  sessions: [] as Session[],
  pendingSetup: undefined as undefined | { setupId: string; secret: string },
};
const bearer = (session: Session): Credentials => ({ bearer: session.sessionToken });
const current = () => bearer(journey.sessions.at(-1)!);

describe('a civil servant\'s account over HTTP, from setup to reactivation', () => {
  it('approved by the registry, she gets "[TTE] Informasi Akun" with her username and an account-setup link', async () => {
    const { userId, info, setupToken } = await people.approvedCivilServant(siti);
    expect(info.body.text).toContain('Yth. Siti Aminah');
    expect(info.body.text).toContain(`Nama pengguna (username) Anda: ${siti.email}`);
    expect(info.body.text).toContain(`${runtime.api}/web/account-setup/${setupToken}`);
    expect(await statusSeenByVerifier(userId)).toBe('APPROVED');
    Object.assign(journey, { userId, setupToken });
  });

  it('the setup page offers one authenticator secret, as text, otpauth URI and QR code, until setup completes', async () => {
    const first = await people.send('GET', `/v1/account-setup/${journey.setupToken}`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ email: siti.email, fullName: 'Siti Aminah', reactivation: false });
    const { secret, otpauthUri, qrPngDataUrl } = first.body.otp as Record<string, string>;
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    const uri = new URL(otpauthUri!);
    expect([uri.protocol, uri.host]).toEqual(['otpauth:', 'totp']);
    expect(decodeURIComponent(uri.pathname)).toBe(`/TTE Lokal:${siti.email}`);
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({ secret, issuer: 'TTE Lokal' });
    expect(qrPngDataUrl).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(qrPngDataUrl!.slice('data:image/png;base64,'.length), 'base64');
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);

    const again = await people.send('GET', `/v1/account-setup/${journey.setupToken}`);
    expect(again.body.otp.secret).toBe(secret);
    journey.secrets.work = secret!;
  });

  it('setup refuses a weak password, a 7-digit code and a wrong code, then makes her ACTIVE and tells her', async () => {
    const path = `/v1/account-setup/${journey.setupToken}`;
    const secret = journey.secrets.work!;
    const weak = await people.send('POST', path, { body: { password: 'rahasia123', deviceName: 'Ponsel kerja', otp: people.otp.wrongCode(secret) } });
    expect(problem(weak)).toEqual({ status: 422, code: 'VALIDATION_FAILED', json: true });
    expect(fieldErrors(weak.body)).toEqual(['password:PASSWORD_POLICY']);
    const sevenDigits = await people.send('POST', path, { body: { password: passwords.setup, deviceName: 'Ponsel kerja', otp: '1234567' } });
    expect(problem(sevenDigits)).toEqual({ status: 422, code: 'VALIDATION_FAILED', json: true });
    expect(fieldErrors(sevenDigits.body)).toEqual(['otp:OTP_INVALID']);
    const wrong = await people.send('POST', path, { body: { password: passwords.setup, deviceName: 'Ponsel kerja', otp: people.otp.wrongCode(secret) } });
    expect(problem(wrong)).toEqual({ status: 401, code: 'INVALID_OTP', json: true });
    expect(await statusSeenByVerifier(journey.userId)).toBe('APPROVED');

    const done = await people.send('POST', path, { body: { password: passwords.setup, deviceName: 'Ponsel kerja', otp: await people.otp.code(secret) } });
    expect([done.status, done.text]).toEqual([204, '']);
    expect(await statusSeenByVerifier(journey.userId)).toBe('ACTIVE');

    const password = await people.waitForNthMail(siti.email, '[TTE] Pembaruan Kata Sandi', 1);
    expect(password.body.text).toContain('telah dibuat saat pengaturan akun');
    const device = await people.waitForNthMail(siti.email, '[TTE] Pembaruan Perangkat OTP', 1);
    expect(device.body.text).toContain('Perangkat OTP "Ponsel kerja" telah ditambahkan');

    for (const method of ['GET', 'POST'] as const) {
      const reused = await people.send(method, path, method === 'POST' ? { body: { password: passwords.setup, deviceName: 'Lagi', otp: '123456' } } : {});
      expect(problem(reused), method).toEqual({ status: 410, code: 'TOKEN_USED', json: true });
    }
  });

  it('login: a wrong password is refused; the password and a code open a session for Bearer and cookie; cookie writes need the CSRF token', async () => {
    const wrong = await people.send('POST', '/v1/auth/login', { body: { email: siti.email, password: 'Salah-Sandi-2025!' } });
    expect(problem(wrong)).toEqual({ status: 401, code: 'INVALID_CREDENTIALS', json: true });
    const unknown = await people.send('POST', '/v1/auth/login', { body: { email: 'tidak.ada@contoh.go.id', password: passwords.setup } });
    expect(problem(unknown)).toEqual({ status: 401, code: 'INVALID_CREDENTIALS', json: true });

    const first = await people.send('POST', '/v1/auth/login', { body: { email: siti.email, password: passwords.setup } });
    expect(first.status).toBe(200);
    expect(first.body.loginTicket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.body.devices).toEqual([{ deviceId: expect.any(String), name: 'Ponsel kerja' }]);
    journey.deviceIds.work = first.body.devices[0].deviceId;
    const code = await people.otp.code(journey.secrets.work!);
    const second = await people.send('POST', '/v1/auth/login/otp', { body: { loginTicket: first.body.loginTicket, otp: code } });
    expect(second.status).toBe(200);
    const session = second.body as Session;
    expect(session).toEqual({
      sessionToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), csrfToken: expect.any(String), expiresAt: expect.any(String),
      user: { userId: journey.userId, role: 'USER', tenantId: runtime.seed.tenant.tenantId },
    });
    const hoursLeft = (new Date(session.expiresAt).getTime() - Date.now()) / 3600_000;
    expect(hoursLeft).toBeGreaterThan(7.9);
    expect(hoursLeft).toBeLessThanOrEqual(8);
    const cookie = second.headers.get('set-cookie') ?? '';
    const attributes = cookie.split(';').map((part) => part.trim());
    expect(attributes[0]).toBe(`tte_session=${session.sessionToken}`);
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
    expect(attributes.some((attribute) => /^secure$/i.test(attribute))).toBe(false); // local http runtime
    journey.sessions.push({ ...session, setCookie: cookie });

    // The same code again (a new ticket) is a replay.
    const ticket = (await people.send('POST', '/v1/auth/login', { body: { email: siti.email, password: passwords.setup } })).body.loginTicket;
    const replay = await people.send('POST', '/v1/auth/login/otp', { body: { loginTicket: ticket, otp: code } });
    expect(problem(replay)).toEqual({ status: 401, code: 'OTP_ALREADY_USED', json: true });

    const byBearer = await me({ bearer: session.sessionToken });
    expect(byBearer.status).toBe(200);
    expect(byBearer.body).toEqual({
      userId: journey.userId, fullName: 'Siti Aminah', email: siti.email, role: 'USER', tenantId: runtime.seed.tenant.tenantId,
      tenantName: runtime.seed.tenant.name, status: 'ACTIVE', csrfToken: session.csrfToken,
    });
    const byCookie = await me({ cookie: session.sessionToken });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body).toEqual(byBearer.body);
    expect(problem(await me({ bearer: 'x'.repeat(43) }))).toEqual({ status: 401, code: 'UNAUTHENTICATED', json: true });

    const noCsrf = await people.send('POST', '/v1/me/device-setups', { auth: { cookie: session.sessionToken } });
    expect(problem(noCsrf)).toEqual({ status: 403, code: 'CSRF_TOKEN_INVALID', json: true });
    const wrongCsrf = await people.send('POST', '/v1/me/device-setups', { auth: { cookie: session.sessionToken, csrf: `${session.csrfToken.slice(0, -1)}x` } });
    expect(problem(wrongCsrf)).toEqual({ status: 403, code: 'CSRF_TOKEN_INVALID', json: true });
    const withCsrf = await people.send('POST', '/v1/me/device-setups', { auth: { cookie: session.sessionToken, csrf: session.csrfToken } });
    expect(withCsrf.status).toBe(201);
    expect(withCsrf.body).toMatchObject({ setupId: expect.any(String), otp: { secret: expect.any(String), qrPngDataUrl: expect.stringMatching(/^data:image\/png;base64,/) } });
    journey.pendingSetup = { setupId: withCsrf.body.setupId, secret: withCsrf.body.otp.secret };
  });

  it('adds devices: with four added in all, three remain, the first is gone, and the e-mail says which was removed', async () => {
    const session = journey.sessions.at(-1)!;
    const { setupId, secret } = journey.pendingSetup!;
    // The setup started from the browser is finished there too (cookie and CSRF token).
    const added = await people.send('POST', '/v1/me/devices', {
      auth: { cookie: session.sessionToken, csrf: session.csrfToken }, body: { setupId, deviceName: 'Tablet', otp: await people.otp.code(secret) },
    });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ deviceId: setupId, name: 'Tablet', createdAt: expect.any(String) });
    journey.secrets.tablet = secret;
    journey.deviceIds.tablet = setupId;
    const used = await people.send('POST', '/v1/me/devices', { auth: current(), body: { setupId, deviceName: 'Lagi', otp: '123456' } });
    expect(problem(used)).toEqual({ status: 404, code: 'DEVICE_SETUP_NOT_FOUND', json: true });

    for (const name of ['Ponsel pribadi', 'Ponsel baru']) {
      const { deviceId, secret: newSecret } = await people.addDevice(current(), name);
      journey.deviceIds[name] = deviceId;
      journey.secrets[name] = newSecret;
    }
    const devices = await people.send('GET', '/v1/me/devices', { auth: current() });
    expect(devices.status).toBe(200);
    expect(devices.body.items.map((device: { name: string }) => device.name)).toEqual(['Tablet', 'Ponsel pribadi', 'Ponsel baru']);

    const mail = await people.waitForNthMail(siti.email, '[TTE] Pembaruan Perangkat OTP', 4);
    expect(mail.body.text).toContain('Perangkat OTP "Ponsel baru" telah ditambahkan');
    expect(mail.body.text).toContain('perangkat terlama "Ponsel kerja" dihapus secara otomatis');
    const earlier = await people.mailsWith(siti.email, '[TTE] Pembaruan Perangkat OTP');
    expect(earlier.slice(1, 3).map((each) => each.body.text?.includes('dihapus secara otomatis'))).toEqual([false, false]);
    // The removed device's codes are no good any more; the others are offered at login.
    const login = await people.send('POST', '/v1/auth/login', { body: { email: siti.email, password: passwords.setup } });
    expect(login.body.devices.map((device: { name: string }) => device.name)).toEqual(['Tablet', 'Ponsel pribadi', 'Ponsel baru']);
    const removedCode = generateSync({ secret: journey.secrets.work!, epoch: Math.floor(Date.now() / 1000) });
    const gone = await people.send('POST', '/v1/auth/login/otp', { body: { loginTicket: login.body.loginTicket, otp: removedCode } });
    expect(problem(gone)).toEqual({ status: 401, code: 'INVALID_OTP', json: true });
    const named = await people.send('POST', '/v1/auth/login/otp', { body: { loginTicket: login.body.loginTicket, otp: removedCode, deviceId: journey.deviceIds.work } });
    expect(problem(named)).toEqual({ status: 404, code: 'DEVICE_NOT_FOUND', json: true });
  });

  it('removes devices one by one, but never the last; then adds a second phone again', async () => {
    const remove = (deviceId: string) => people.send('DELETE', `/v1/me/devices/${deviceId}`, { auth: current() });
    expect((await remove(journey.deviceIds.tablet!)).status).toBe(204);
    const removedMail = await people.waitForNthMail(siti.email, '[TTE] Pembaruan Perangkat OTP', 5);
    expect(removedMail.body.text).toContain('Perangkat OTP "Tablet" telah dihapus');
    expect((await remove(journey.deviceIds['Ponsel pribadi']!)).status).toBe(204);
    expect(problem(await remove(journey.deviceIds.tablet!))).toEqual({ status: 404, code: 'DEVICE_NOT_FOUND', json: true });
    const last = await remove(journey.deviceIds['Ponsel baru']!);
    expect(problem(last)).toEqual({ status: 409, code: 'LAST_DEVICE', json: true });
    const devices = await people.send('GET', '/v1/me/devices', { auth: current() });
    expect(devices.body.items).toEqual([expect.objectContaining({ deviceId: journey.deviceIds['Ponsel baru'], name: 'Ponsel baru' })]);

    const spare = await people.addDevice(current(), 'Ponsel cadangan');
    journey.deviceIds.spare = spare.deviceId;
    journey.secrets.spare = spare.secret;
    await people.waitForNthMail(siti.email, '[TTE] Pembaruan Perangkat OTP', 7);
  });

  it('password reset: same answer for unknown addresses, a link by e-mail, a code to prove it is her; every session ends', async () => {
    const unknown = await people.send('POST', '/v1/auth/password-reset', { body: { email: 'tidak.ada@contoh.go.id' } });
    expect([unknown.status, unknown.text]).toEqual([202, '']);
    const known = await people.send('POST', '/v1/auth/password-reset', { body: { email: siti.email } });
    expect([known.status, known.text]).toEqual([202, '']);
    const mail = await people.waitForNthMail(siti.email, '[TTE] Atur Ulang Kata Sandi', 1);
    const token = linkToken(mail, 'reset-password');
    expect(mail.body.text).toContain(`${runtime.api}/web/reset-password/${token}`);
    // Mail goes out in the order it was written: had the unknown address got one, it would be here by now.
    expect(await mailTo(runtime.mail, 'tidak.ada@contoh.go.id')).toEqual([]);

    const path = `/v1/auth/password-reset/${token}`;
    const keep = journey.secrets['Ponsel baru']!;
    const wrongCode = await people.send('POST', path, { body: { otp: people.otp.wrongCode(keep), newPassword: passwords.reset } });
    expect(problem(wrongCode)).toEqual({ status: 401, code: 'INVALID_OTP', json: true });
    const weak = await people.send('POST', path, { body: { otp: people.otp.wrongCode(keep), newPassword: 'pendek' } });
    expect(fieldErrors(weak.body)).toEqual(['newPassword:PASSWORD_POLICY']);
    const reset = await people.send('POST', path, { body: { otp: await people.otp.code(keep), newPassword: passwords.reset } });
    expect([reset.status, reset.text]).toEqual([204, '']);
    expect(problem(await people.send('POST', path, { body: { otp: '123456', newPassword: passwords.reset } }))).toEqual({ status: 410, code: 'TOKEN_USED', json: true });
    const changed = await people.waitForNthMail(siti.email, '[TTE] Pembaruan Kata Sandi', 2);
    expect(changed.body.text).toContain('telah diubah melalui atur ulang kata sandi');

    const old = journey.sessions.at(-1)!;
    expect(problem(await me({ bearer: old.sessionToken }))).toEqual({ status: 401, code: 'UNAUTHENTICATED', json: true });
    expect((await me({ cookie: old.sessionToken })).status).toBe(401);
    const oldPassword = await people.send('POST', '/v1/auth/login', { body: { email: siti.email, password: passwords.setup } });
    expect(problem(oldPassword)).toEqual({ status: 401, code: 'INVALID_CREDENTIALS', json: true });
    const session = await people.logIn(siti.email, passwords.reset, [journey.secrets.spare!]);
    expect((await me(bearer(session))).body.userId).toBe(journey.userId);
    journey.sessions.push(session);
  });

  it('marked compromised by the verifier: DISABLED, told by e-mail, login refused, sessions gone', async () => {
    const reason = 'Ponsel hilang dan akun diduga diakses orang lain';
    const disabled = await people.send('POST', `/v1/users/${journey.userId}/compromise`, { auth: verifier, body: { reason } });
    expect([disabled.status, disabled.body]).toEqual([200, { status: 'DISABLED' }]);
    expect(await statusSeenByVerifier(journey.userId)).toBe('DISABLED');
    const mail = await people.waitForNthMail(siti.email, '[TTE] Akun Dinonaktifkan', 1);
    expect(mail.body.text).toContain(`"${reason}"`);

    const login = await people.send('POST', '/v1/auth/login', { body: { email: siti.email, password: passwords.reset } });
    expect(problem(login)).toEqual({ status: 423, code: 'ACCOUNT_DISABLED', json: true });
    expect(problem(await me(current()))).toEqual({ status: 401, code: 'UNAUTHENTICATED', json: true });
    const again = await people.send('POST', `/v1/users/${journey.userId}/compromise`, { auth: verifier, body: { reason } });
    expect(problem(again)).toEqual({ status: 409, code: 'ACCOUNT_ALREADY_DISABLED', json: true });
  });

  it('reactivated: a fresh selfie, the verifier approves, she sets the account up again and only the new device works', async () => {
    const asked = await people.send('POST', '/v1/otp-device-requests', { body: { email: siti.email } });
    expect([asked.status, asked.text]).toEqual([202, '']);
    const mail = await people.waitForNthMail(siti.email, '[TTE] Permintaan Perangkat OTP', 1);
    expect(mail.body.text).toContain('memulihkan akun TTE Anda yang dinonaktifkan');
    const token = linkToken(mail, 'otp-device');
    const page = await people.send('GET', `/v1/otp-device/${token}`);
    expect([page.status, page.body]).toEqual([200, { fullName: 'Siti Aminah', email: siti.email, kind: 'RESET_AUTHENTICATOR', step: 'SELFIE' }]);

    const slot = await people.send('POST', `/v1/otp-device/${token}/photos`, { body: { kind: 'SELFIE', contentType: 'image/jpeg', contentLength: sampleSelfie.length } });
    expect(slot.status).toBe(201);
    const put = await fetch(slot.body.uploadUrl, { method: 'PUT', headers: slot.body.uploadHeaders, body: sampleSelfie });
    expect(put.status).toBe(200);
    const confirmed = await people.send('POST', `/v1/otp-device/${token}/photos/${slot.body.photoId}/confirm`);
    expect([confirmed.status, confirmed.body]).toEqual([200, { status: 'AWAITING_REVIEW' }]);
    expect(problem(await people.send('GET', `/v1/otp-device/${token}`))).toEqual({ status: 410, code: 'TOKEN_USED', json: true });
    const notice = await people.waitForNthMail(runtime.seed.verifier.email, '[TTE] Permintaan Verifikasi Perangkat OTP', 1);
    expect(notice.body.text).toContain('Siti Aminah mengajukan pemulihan akun');

    const queue = await people.send('GET', '/v1/otp-device-requests', { auth: verifier });
    expect(queue.status).toBe(200);
    const request = (queue.body.items as Record<string, any>[]).find((item) => item.userId === journey.userId);
    expect(request).toMatchObject({ fullName: 'Siti Aminah', email: siti.email, kind: 'RESET_AUTHENTICATOR', status: 'AWAITING_REVIEW' });
    const selfie = Buffer.from(await (await fetch(request!.selfieUrl)).arrayBuffer());
    expect(selfie.equals(sampleSelfie)).toBe(true);
    expect((await fetch(request!.registeredSelfieUrl)).status).toBe(200);
    const approved = await people.send('POST', `/v1/otp-device-requests/${request!.requestId}/decision`, { auth: verifier, body: { decision: 'APPROVE' } });
    expect([approved.status, approved.body]).toEqual([200, { status: 'APPROVED' }]);

    const restore = await people.waitForNthMail(siti.email, '[TTE] Pemulihan Akun', 1);
    const setupToken = linkToken(restore, 'account-setup');
    const setupPage = await people.send('GET', `/v1/account-setup/${setupToken}`);
    expect(setupPage.body).toMatchObject({ email: siti.email, reactivation: true });
    expect(setupPage.body.otp.secret).not.toBe(journey.secrets.work);
    // The link from the first "Informasi Akun" does not come back to life.
    expect((await people.send('GET', `/v1/account-setup/${journey.setupToken}`)).status).toBe(410);
    journey.secrets.restored = await people.setUpAccount(setupToken, passwords.reactivated, 'Ponsel pengganti');
    expect(await statusSeenByVerifier(journey.userId)).toBe('ACTIVE');
    expect((await people.waitForNthMail(siti.email, '[TTE] Pembaruan Kata Sandi', 3)).body.text).toContain('diatur kembali saat pemulihan akun');
    expect((await people.waitForNthMail(siti.email, '[TTE] Pembaruan Perangkat OTP', 8)).body.text)
      .toContain('Semua perangkat OTP sebelumnya pada akun TTE Anda telah diganti dengan perangkat "Ponsel pengganti"');

    const oldPassword = await people.send('POST', '/v1/auth/login', { body: { email: siti.email, password: passwords.reset } });
    expect(problem(oldPassword)).toEqual({ status: 401, code: 'INVALID_CREDENTIALS', json: true });
    const session = await people.logIn(siti.email, passwords.reactivated, [journey.secrets.restored]);
    journey.sessions.push(session);
    const devices = await people.send('GET', '/v1/me/devices', { auth: bearer(session) });
    expect(devices.body.items).toEqual([expect.objectContaining({ name: 'Ponsel pengganti' })]);

    const logout = await people.send('POST', '/v1/auth/logout', { auth: bearer(session) });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/^tte_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
    expect((await me(bearer(session))).status).toBe(401);
  });

  it('no answer and no e-mail carries her passwords, codes or session tokens, except the answer that hands a token out', async () => {
    const mails: Mail[] = await mailTo(runtime.mail, siti.email);
    expect(mails.length).toBeGreaterThanOrEqual(14);
    const tokens = journey.sessions.map((session) => session.sessionToken);
    const texts = [...Object.values(passwords), ...tokens, ...Object.values(journey.secrets)];
    // A code counts as shown when it stands alone, not as six digits inside a longer run (a date, a signature).
    const shows = (content: string, secret: string) => (/^\d{6}$/.test(secret) ? new RegExp(`(?<![0-9A-Za-z])${secret}(?![0-9A-Za-z])`).test(content) : content.includes(secret));
    for (const mail of mails) {
      const content = `${mail.body.text ?? ''}\n${mail.body.html ?? ''}`;
      for (const secret of [...texts, ...people.otp.issued]) expect(shows(content, secret), `"${mail.subject}" holds a secret`).toBe(false);
    }
    const handsOutTokens = (path: string) => path === '/v1/auth/login/otp';
    const handsOutTotp = (path: string) => path.startsWith('/v1/account-setup/') || path === '/v1/me/device-setups';
    expect(people.http.exchanges.length).toBeGreaterThan(50);
    for (const exchange of people.http.exchanges) {
      const where = `${exchange.method} ${exchange.path} → ${exchange.status}`;
      for (const secret of [...Object.values(passwords), ...people.otp.issued]) expect(shows(exchange.text, secret), where).toBe(false);
      if (!handsOutTokens(exchange.path)) for (const token of tokens) expect(exchange.text.includes(token), where).toBe(false);
      if (!handsOutTotp(exchange.path)) for (const secret of Object.values(journey.secrets)) expect(exchange.text.includes(secret), where).toBe(false);
    }
  });
});

describe('lockout over HTTP', () => {
  it('five wrong passwords lock the account, told by e-mail only (every answer is a wrong password\'s, the right one\'s too); one e-mail; a password reset lifts it', async () => {
    const { secret } = await ahmadReady;
    const attempt = (password: string, headers: Record<string, string> = {}) => people.send('POST', '/v1/auth/login', { body: { email: ahmad.email, password }, headers });
    for (let failures = 1; failures <= 4; failures += 1) {
      expect(problem(await attempt(`Salah-Sandi-${failures}!`)), `attempt ${failures}`).toEqual({ status: 401, code: 'INVALID_CREDENTIALS', json: true });
    }
    const started = Date.now();
    // The fifth locks the account; the answer stays a wrong password's, so it tells nobody the address has an account (security.md F6).
    const fifth = await attempt('Salah-Sandi-5!');
    expect(problem(fifth)).toEqual({ status: 401, code: 'INVALID_CREDENTIALS', json: true });
    expect(fifth.body.lockedUntil).toBeUndefined();
    const unknown = await people.send('POST', '/v1/auth/login', { body: { email: 'tidak.ada@uji.go.id', password: passwords.ahmad } });
    // Under the password lock the right password is not checked: it answers exactly as an unknown address does.
    const right = await attempt(passwords.ahmad);
    expect(problem(right)).toEqual({ status: 401, code: 'INVALID_CREDENTIALS', json: true });
    expect({ ...right.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
    expect(problem(await attempt('Salah-Sandi-6!')).code).toBe('INVALID_CREDENTIALS');

    const mail = await people.waitForNthMail(ahmad.email, '[TTE] Akun Terkunci Sementara', 1);
    expect(mail.body.text).toContain('kata sandi salah 5 kali dalam 15 menit');
    const lockedUntil = new Date(started + 15 * 60_000);
    // The lock started with the fifth answer, a moment after `started`; the e-mail names its end to the minute.
    const named = [0, 10, 20, 30].map((seconds) => formatJakartaTime(new Date(lockedUntil.getTime() + seconds * 1000).toISOString()));
    expect(named.some((time) => String(mail.body.text).includes(`Akun dapat digunakan kembali mulai ${time}`)), mail.body.text).toBe(true);
    // A later e-mail to him has arrived, so any second lock e-mail would have too.
    expect((await people.send('POST', '/v1/auth/password-reset', { body: { email: ahmad.email } })).status).toBe(202);
    const reset = await people.waitForNthMail(ahmad.email, '[TTE] Atur Ulang Kata Sandi', 1);
    expect(await people.mailsWith(ahmad.email, '[TTE] Akun Terkunci Sementara')).toHaveLength(1);

    // A password lock does not stop the reset (a current code proves it is him), and the reset lifts it.
    const newPassword = 'Sandi-Ahmad-Baru-2025!';
    const done = await people.send('POST', `/v1/auth/password-reset/${linkToken(reset, 'reset-password')}`, { body: { otp: await people.otp.code(secret), newPassword } });
    expect(done.status).toBe(204);
    expect(problem(await attempt(passwords.ahmad))).toEqual({ status: 401, code: 'INVALID_CREDENTIALS', json: true });
    const unlocked = await attempt(newPassword);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.devices).toEqual([{ deviceId: expect.any(String), name: 'Ponsel Ahmad' }]);
    for (const each of await mailTo(runtime.mail, ahmad.email)) {
      for (const secretText of [passwords.ahmad, newPassword, secret]) expect(each.body.text).not.toContain(secretText);
    }
  });
});
