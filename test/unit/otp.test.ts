import { generateSync } from 'otplib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { checkOtp, newOtpSecret, OTP_PERIOD_SECONDS, otpauthUri, otpSecretSealingContext, qrPngDataUrl } from '../../shared/domain/otp.js';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const atSecond = (epochSeconds: number) => new Date(epochSeconds * 1000);
/** The first second of time step `step`. */
const stepStart = (step: number) => step * OTP_PERIOD_SECONDS;
const codeFor = (secret: string, step: number) => generateSync({ secret, epoch: stepStart(step) });

describe('checkOtp: the code an authenticator app shows', () => {
  // The RFC's 8-digit values, cut to the 6 digits every authenticator app shows.
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('accepts the RFC 6238 code at T=%i (SHA-1, 6 digits, 30-second steps)', async (seconds, code) => {
    await expect(checkOtp(RFC_SECRET, code, atSecond(seconds))).resolves.toEqual({
      valid: true, timeStep: Math.floor(seconds / 30),
    });
  });

  it('refuses the current code of another secret', async () => {
    // RFC 6238's SHA-256 seed, used here as a second SHA-1 secret: fixed, so the outcome is too.
    const other = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA';
    const code = codeFor(other, 37037036);
    expect([-1, 0, 1].map((delta) => codeFor(RFC_SECRET, 37037036 + delta))).not.toContain(code);
    await expect(checkOtp(RFC_SECRET, code, atSecond(stepStart(37037036)))).resolves.toEqual({ valid: false, reused: false });
  });
});

describe('checkOtp: clock drift of one step either way, never more', () => {
  const N = 37037036; // the step of T=1111111109
  const code = codeFor(RFC_SECRET, N);

  it('the code under test is the RFC one and differs from its neighbours', () => {
    expect(code).toBe('081804');
    for (const step of [N - 2, N - 1, N + 1, N + 2]) expect(codeFor(RFC_SECRET, step)).not.toBe(code);
  });

  it.each([
    ['last second of step N-2', stepStart(N - 1) - 1, false],
    ['first second of step N-1', stepStart(N - 1), true],
    ['middle of step N-1', stepStart(N - 1) + 15, true],
    ['first second of step N', stepStart(N), true],
    ['last second of step N', stepStart(N) + 29, true],
    ['first second of step N+1', stepStart(N + 1), true],
    ['last second of step N+1', stepStart(N + 2) - 1, true],
    ['first second of step N+2', stepStart(N + 2), false],
    ['an hour later', stepStart(N) + 3600, false],
  ])('a code for step N checked in the %s → valid %s', async (_case, seconds, valid) => {
    const check = await checkOtp(RFC_SECRET, code, atSecond(seconds));
    expect(check).toEqual(valid ? { valid: true, timeStep: N } : { valid: false, reused: false });
  });

  it('reports the step the code was made for, not the step of the clock', async () => {
    await expect(checkOtp(RFC_SECRET, codeFor(RFC_SECRET, N + 1), atSecond(stepStart(N) + 29))).resolves.toEqual({ valid: true, timeStep: N + 1 });
    await expect(checkOtp(RFC_SECRET, codeFor(RFC_SECRET, N - 1), atSecond(stepStart(N)))).resolves.toEqual({ valid: true, timeStep: N - 1 });
  });

  it('a millisecond clock is floored to its second, not rounded up into the next step', async () => {
    const justBefore = new Date(stepStart(N + 2) * 1000 - 1);
    await expect(checkOtp(RFC_SECRET, code, justBefore)).resolves.toEqual({ valid: true, timeStep: N });
  });
});

describe('checkOtp: replay guard', () => {
  // Fixed secret and step: the codes of neighbouring steps are known to differ (checked above).
  const N = 37037036;
  const secret = RFC_SECRET;
  const now = atSecond(stepStart(N) + 10);

  it.each([
    ['the same code again (step = last accepted)', N, N, { valid: false, reused: true }],
    ['an older code still inside the window', N - 1, N, { valid: false, reused: true }],
    ['an older code after a newer one was taken', N, N + 1, { valid: false, reused: true }],
    ['the next step\'s code', N + 1, N, { valid: true, timeStep: N + 1 }],
    ['a newer code than the last accepted one', N, N - 1, { valid: true, timeStep: N }],
    ['the current code when the last one is long ago', N, N - 500, { valid: true, timeStep: N }],
    ['a code outside the window, last accepted long ago', N - 2, N - 500, { valid: false, reused: false }],
    ['a code outside the window, never newer than the last', N - 2, N, { valid: false, reused: false }],
  ])('%s', async (_case, codeStep, lastAcceptedStep, expected) => {
    await expect(checkOtp(secret, codeFor(secret, codeStep), now, lastAcceptedStep)).resolves.toEqual(expected);
  });

  it('a wrong code is not called reused', async () => {
    const right = codeFor(secret, N);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect([N - 1, N, N + 1].map((step) => codeFor(secret, step))).not.toContain(wrong);
    await expect(checkOtp(secret, wrong, now, N)).resolves.toEqual({ valid: false, reused: false });
  });

  it('refuses, without throwing, when the last accepted step is ahead of this clock', async () => {
    // A device whose last code was taken on a clock further ahead (another instance, a clock
    // stepped back): nothing in this window is newer, and the caller gets a refusal, not a 500.
    await expect(checkOtp(secret, codeFor(secret, N), now, N + 2)).resolves.toEqual({ valid: false, reused: true });
    await expect(checkOtp(secret, codeFor(secret, N), now, N + 40)).resolves.toEqual({ valid: false, reused: true });
    await expect(checkOtp(secret, '000000', now, N + 40)).resolves.toMatchObject({ valid: false });
  });

  it('a code accepted once is refused the second time, the next code passes', async () => {
    const first = await checkOtp(secret, codeFor(secret, N), now);
    expect(first).toEqual({ valid: true, timeStep: N });
    const last = first.valid ? first.timeStep : undefined;
    await expect(checkOtp(secret, codeFor(secret, N), now, last)).resolves.toEqual({ valid: false, reused: true });
    const later = atSecond(stepStart(N + 1) + 2);
    await expect(checkOtp(secret, codeFor(secret, N + 1), later, last)).resolves.toEqual({ valid: true, timeStep: N + 1 });
  });
});

describe('checkOtp: only six ASCII digits are codes', () => {
  const N = 37037036;
  const now = atSecond(stepStart(N));
  it.each([
    ['empty', ''],
    ['5 digits', '81804'],
    ['7 digits', '0818040'],
    ['the 8-digit RFC value', '07081804'],
    ['a leading space', ' 081804'],
    ['a trailing newline', '081804\n'],
    ['a letter', '08180a'],
    ['full-width digits', '０８１８０４'],
    ['a sign', '+81804'],
  ])('%s is invalid, never reused', async (_case, code) => {
    await expect(checkOtp(RFC_SECRET, code, now)).resolves.toEqual({ valid: false, reused: false });
    await expect(checkOtp(RFC_SECRET, code, now, N - 1)).resolves.toEqual({ valid: false, reused: false });
  });
});

describe('secrets and enrolment', () => {
  it('makes a fresh base32 secret of at least 160 bits each time', () => {
    const secrets = new Set(Array.from({ length: 20 }, () => newOtpSecret()));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Z2-7]+=*$/);
      expect(secret.replace(/=+$/, '').length * 5).toBeGreaterThanOrEqual(160);
    }
  });

  it('a fresh secret works with the codes an app makes from it', async () => {
    const secret = newOtpSecret();
    const N = 60_000_000;
    await expect(checkOtp(secret, codeFor(secret, N), atSecond(stepStart(N) + 7))).resolves.toEqual({ valid: true, timeStep: N });
  });

  it('otpauthUri names the service as issuer and the user as label, with the secret', () => {
    const secret = newOtpSecret();
    const uri = new URL(otpauthUri('TTE Sulteng', 'siti@sultengprov.go.id', secret));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/TTE Sulteng:siti@sultengprov.go.id');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('TTE Sulteng');
    // Defaults every app assumes; if given, they must be these.
    expect(uri.searchParams.get('algorithm') ?? 'SHA1').toBe('SHA1');
    expect(uri.searchParams.get('digits') ?? '6').toBe('6');
    expect(uri.searchParams.get('period') ?? '30').toBe('30');
  });

  it('qrPngDataUrl returns a 240 px square PNG data URL that depends on the text', async () => {
    const first = await qrPngDataUrl('otpauth://totp/A:a?secret=AAAAAAAAAAAAAAAA&issuer=A');
    const second = await qrPngDataUrl('otpauth://totp/B:b?secret=BBBBBBBBBBBBBBBB&issuer=B');
    expect(first).toMatch(/^data:image\/png;base64,/);
    const png = PNG.sync.read(Buffer.from(first.slice('data:image/png;base64,'.length), 'base64'));
    expect([png.width, png.height]).toEqual([240, 240]);
    expect(second).not.toBe(first);
  });

  it('seals a device secret for that user and device only', () => {
    expect(otpSecretSealingContext('user-1', 'device-1')).toEqual({ purpose: 'otp-device', userId: 'user-1', deviceId: 'device-1' });
    expect(otpSecretSealingContext('user-1', 'device-2')).not.toEqual(otpSecretSealingContext('user-1', 'device-1'));
  });
});
