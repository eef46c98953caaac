import { describe, expect, it, vi } from 'vitest';
import { createLogger, redactSecrets } from '../../shared/logger.js';

const redact = (value: unknown) => JSON.parse(JSON.stringify(value, redactSecrets)) as Record<string, unknown>;

describe('redactSecrets', () => {
  it.each([
    ['password', 'Rahasia#2026'],
    ['newPassword', 'Rahasia#2026'],
    ['passphrase', 'Kunci$Ku8'],
    ['currentPassphrase', 'Kunci$Ku8'],
    ['otp', '123456'],
    ['token', 'aGVsbG8td29ybGQtdG9rZW4tMTIzNDU2Nzg5MDEyMzQ1Njc4OQ'],
    ['taskToken', 'AAAAKgAAAAIAAAAA'],
    ['sessionToken', 'sess-abc'],
    ['nik', '7271012345670001'],
    ['NIK', '7271012345670001'],
    ['apiKey', 'tte_abcdef'],
    ['x-api-key', 'tte_abcdef'],
    ['authorization', 'Bearer abc.def'],
    ['Authorization', 'Bearer abc.def'],
    ['sealedData', 'c2VhbGVk'],
    ['totpSecret', 'JBSWY3DPEHPK3PXP'],
    ['cookie', 'session=abc'],
  ])('redacts the value under %s', (key, value) => {
    const line = JSON.stringify({ [key]: value }, redactSecrets);
    expect(JSON.parse(line)).toEqual({ [key]: '[REDACTED]' });
    expect(line).not.toContain(value);
  });

  it('redacts numbers too (a NIK logged as a number)', () => {
    expect(redact({ nik: 7271012345670001 })).toEqual({ nik: '[REDACTED]' });
  });

  it.each([
    ['userId', 'user-1'],
    ['email', 'siti@contoh.go.id'],
    ['status', 'INVITED'],
    ['messageId', 'msg-1'],
    ['attempts', 3],
    ['fullName', 'Siti Aminah'],
  ])('leaves %s alone', (key, value) => {
    expect(redact({ [key]: value })).toEqual({ [key]: value });
  });

  it('walks nested objects and arrays', () => {
    const logged = {
      userId: 'user-1',
      request: { headers: { authorization: 'Bearer abc', 'x-api-key': 'tte_k', accept: 'application/json' } },
      body: { identity: { fullName: 'Siti Aminah', nik: '7271012345670001' } },
      devices: [{ name: 'HP', otp: '654321' }],
    };
    const line = JSON.stringify(logged, redactSecrets);
    expect(JSON.parse(line)).toEqual({
      userId: 'user-1',
      request: { headers: { authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', accept: 'application/json' } },
      body: { identity: { fullName: 'Siti Aminah', nik: '[REDACTED]' } },
      devices: [{ name: 'HP', otp: '[REDACTED]' }],
    });
    for (const secret of ['Bearer abc', 'tte_k', '7271012345670001', '654321']) expect(line).not.toContain(secret);
  });

  it('keeps null and undefined as they are', () => {
    expect(redact({ token: null, password: undefined })).toEqual({ token: null });
  });

  it('redacts an array or object held under a secret key whole', () => {
    const line = JSON.stringify({ tokens: ['abc'], password: { value: 'x' }, sealedData: Buffer.from('raw') }, redactSecrets);
    expect(JSON.parse(line)).toEqual({ tokens: '[REDACTED]', password: '[REDACTED]', sealedData: '[REDACTED]' });
  });
});

describe('createLogger', () => {
  it('writes log lines with secrets redacted', () => {
    // Powertools writes JSON lines to stdout through its own Console.
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let output: string;
    try {
      const logger = createLogger('logger-test');
      logger.setLogLevel('INFO'); // the test preamble keeps the console to warnings
      logger.info('Login attempt', { email: 'siti@contoh.go.id', password: 'Rahasia#2026', otp: '123456' });
      output = write.mock.calls.map(([chunk]) => String(chunk)).join('');
    } finally {
      write.mockRestore();
    }
    expect(output).toContain('siti@contoh.go.id');
    expect(output).not.toContain('Rahasia#2026');
    expect(output).not.toContain('123456');
  });
});
