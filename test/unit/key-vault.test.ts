import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AesGcmSealer, FileCaSigner, LocalKeyWrapper, openLocalKeyVault } from '../../shared/adapters/local/key-vault.js';
import { parseEnvelope } from '../../shared/crypto/envelope.js';

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tte-key-vault-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const context = { purpose: 'outbox', messageId: 'msg-1' };

describe('openLocalKeyVault', () => {
  it('makes its key files readable by the owner only', () => {
    openLocalKeyVault(dataDir);
    const keysDir = join(dataDir, 'keys');
    expect(readdirSync(keysDir).sort()).toEqual(['ca-key.pem', 'index.key', 'key-wrapping.key', 'sealing.key', 'service-seal-key.pem', 'tsa-key.pem']);
    for (const file of ['ca-key.pem', 'index.key', 'key-wrapping.key', 'sealing.key', 'service-seal-key.pem', 'tsa-key.pem']) {
      expect(statSync(join(keysDir, file)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(keysDir).mode & 0o077).toBe(0);
  });

  it('indexes a NIK the same way every time, and differently per purpose and key', async () => {
    const { pseudonymizer } = openLocalKeyVault(dataDir);
    const index = await pseudonymizer.index('7271015503850001', 'nik');
    expect(index).toMatch(/^[0-9a-f]{64}$/);
    expect(await openLocalKeyVault(dataDir).pseudonymizer.index('7271015503850001', 'nik')).toBe(index);
    expect(await pseudonymizer.index('7271015503850001', 'other')).not.toBe(index);
    expect(await openLocalKeyVault(mkdtempSync(join(tmpdir(), 'tte-vault-other-'))).pseudonymizer.index('7271015503850001', 'nik')).not.toBe(index);
  });

  it('seals and opens a value under the same context', async () => {
    const { sealer } = openLocalKeyVault(dataDir);
    const sealed = await sealer.seal('https://tte.go.id/activate/abc ✓', context);
    expect(sealed).not.toContain('activate');
    await expect(sealer.open(sealed, context)).resolves.toBe('https://tte.go.id/activate/abc ✓');
  });

  it('seals the same value differently each time', async () => {
    const { sealer } = openLocalKeyVault(dataDir);
    expect(await sealer.seal('x', context)).not.toBe(await sealer.seal('x', context));
  });

  it('ignores the order of the context keys', async () => {
    const { sealer } = openLocalKeyVault(dataDir);
    const sealed = await sealer.seal('secret', { purpose: 'outbox', messageId: 'msg-1' });
    await expect(sealer.open(sealed, { messageId: 'msg-1', purpose: 'outbox' })).resolves.toBe('secret');
  });

  it.each([
    ['another message id', { purpose: 'outbox', messageId: 'msg-2' }],
    ['another purpose', { purpose: 'otp', messageId: 'msg-1' }],
    ['an extra entry', { purpose: 'outbox', messageId: 'msg-1', userId: 'u' }],
    ['no context', {}],
  ])('refuses to open under %s', async (_label, otherContext: Record<string, string>) => {
    const { sealer } = openLocalKeyVault(dataDir);
    const sealed = await sealer.seal('secret', context);
    await expect(sealer.open(sealed, otherContext)).rejects.toThrow();
  });

  it('refuses a tampered ciphertext', async () => {
    const { sealer } = openLocalKeyVault(dataDir);
    const raw = Buffer.from(await sealer.seal('secret', context), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 0x01;
    await expect(sealer.open(raw.toString('base64'), context)).rejects.toThrow();
  });

  it('keeps its keys: the same directory reopened opens old ciphertexts and has the same CA key', async () => {
    const first = openLocalKeyVault(dataDir);
    const sealed = await first.sealer.seal('from the first run', context);
    const firstSpki = await first.caSigner.publicKeySpki();

    const second = openLocalKeyVault(dataDir);
    await expect(second.sealer.open(sealed, context)).resolves.toBe('from the first run');
    expect(Buffer.from(await second.caSigner.publicKeySpki())).toEqual(Buffer.from(firstSpki));
  });

  it('keeps a TSA key of its own, apart from the CA key, the same on reopening', async () => {
    const first = openLocalKeyVault(dataDir);
    const tsaSpki = Buffer.from(await first.tsaSigner.publicKeySpki());
    expect(tsaSpki).not.toEqual(Buffer.from(await first.caSigner.publicKeySpki()));
    expect(Buffer.from(await openLocalKeyVault(dataDir).tsaSigner.publicKeySpki())).toEqual(tsaSpki);
    const signature = await first.tsaSigner.signSha256(Buffer.from('signed attributes'));
    const publicKey = createPublicKey({ key: tsaSpki, format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(verify('sha256', Buffer.from('signed attributes'), { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
  });

  it('makes different keys for different data directories', async () => {
    const other = mkdtempSync(join(tmpdir(), 'tte-key-vault-'));
    try {
      const sealed = await openLocalKeyVault(dataDir).sealer.seal('secret', context);
      await expect(openLocalKeyVault(other).sealer.open(sealed, context)).rejects.toThrow();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('signs with the CA key so that the signature verifies against its public key', async () => {
    const { caSigner } = openLocalKeyVault(dataDir);
    const tbs = Buffer.from('TBSCertificate bytes');
    const signature = await caSigner.signSha256(tbs);
    const publicKey = createPublicKey({ key: Buffer.from(await caSigner.publicKeySpki()), format: 'der', type: 'spki' });

    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(verify('sha256', tbs, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('other bytes'), { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(false);
  });
});

describe('FileCaSigner', () => {
  it('gives DER-encoded ECDSA signatures (an ASN.1 SEQUENCE)', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signature = Buffer.from(await new FileCaSigner(privateKey).signSha256(new Uint8Array([1, 2, 3])));
    expect(signature[0]).toBe(0x30);
    expect(signature.length).toBeGreaterThanOrEqual(8);
    expect(signature.length).toBeLessThanOrEqual(72);
  });

  it('publishes the public key of its private key as DER SPKI', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = await new FileCaSigner(privateKey).publicKeySpki();
    expect(Buffer.from(spki)).toEqual(publicKey.export({ type: 'spki', format: 'der' }));
  });
});

describe('AesGcmSealer', () => {
  it.each([16, 31, 33, 0])('refuses a %i-byte key', (length) => {
    expect(() => new AesGcmSealer(randomBytes(length))).toThrow('32 bytes');
  });
});

describe('LocalKeyWrapper (the vault behind the KeyWrapper port)', () => {
  const keyContext = { purpose: 'signing-key', userId: 'user-1', keyId: 'key-1' };
  const secret = randomBytes(138); // about the size of a P-256 PKCS#8

  it('wraps and unwraps under the same context, in the shared v1 envelope', async () => {
    const { keyWrapper } = openLocalKeyVault(dataDir);
    const wrapped = await keyWrapper.wrap(secret, keyContext);

    expect(wrapped).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(parseEnvelope(wrapped).encryptedDataKey).toHaveLength(12 + 16 + 32);
    for (const encoded of [secret.toString('hex'), secret.toString('base64'), secret.toString('base64url')]) {
      expect(wrapped).not.toContain(encoded);
    }
    expect(Buffer.from(await keyWrapper.unwrap(wrapped, { keyId: 'key-1', purpose: 'signing-key', userId: 'user-1' }))).toEqual(secret);
  });

  it('uses a fresh data key every time', async () => {
    const { keyWrapper } = openLocalKeyVault(dataDir);
    const first = parseEnvelope(await keyWrapper.wrap(secret, keyContext));
    const second = parseEnvelope(await keyWrapper.wrap(secret, keyContext));
    expect(first.encryptedDataKey.equals(second.encryptedDataKey)).toBe(false);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
  });

  it('keeps its wrapping key: what one opening wrapped, the next one unwraps', async () => {
    const wrapped = await openLocalKeyVault(dataDir).keyWrapper.wrap(secret, keyContext);
    const keyFile = readFileSync(join(dataDir, 'keys', 'key-wrapping.key'));

    const reopened = openLocalKeyVault(dataDir);
    expect(readFileSync(join(dataDir, 'keys', 'key-wrapping.key'))).toEqual(keyFile);
    expect(keyFile).toHaveLength(32);
    expect(Buffer.from(await reopened.keyWrapper.unwrap(wrapped, keyContext))).toEqual(secret);
  });

  it('does not unwrap what another data directory wrapped', async () => {
    const other = mkdtempSync(join(tmpdir(), 'tte-key-vault-'));
    try {
      const wrapped = await openLocalKeyVault(dataDir).keyWrapper.wrap(secret, keyContext);
      await expect(openLocalKeyVault(other).keyWrapper.unwrap(wrapped, keyContext)).rejects.toThrow();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('uses a key of its own, not the sealing key', async () => {
    const keys = join(dataDir, 'keys');
    openLocalKeyVault(dataDir);
    expect(readFileSync(join(keys, 'key-wrapping.key')).equals(readFileSync(join(keys, 'sealing.key')))).toBe(false);
  });

  it.each([
    ['another user', { ...keyContext, userId: 'user-2' }],
    ['another key id', { ...keyContext, keyId: 'key-2' }],
    ['an extra entry', { ...keyContext, tenantId: 't' }],
    ['no context', {}],
  ])('refuses to unwrap under %s', async (_label, otherContext: Record<string, string>) => {
    const { keyWrapper } = openLocalKeyVault(dataDir);
    const wrapped = await keyWrapper.wrap(secret, keyContext);
    await expect(keyWrapper.unwrap(wrapped, otherContext)).rejects.toThrow();
  });

  it.each([1, 2, 3, 4])('refuses a wrapped value whose part %i was tampered with', async (part) => {
    const { keyWrapper } = openLocalKeyVault(dataDir);
    const parts = (await keyWrapper.wrap(secret, keyContext)).split('.');
    const bytes = Buffer.from(parts[part] ?? '', 'base64url');
    bytes[0] = (bytes[0] ?? 0) ^ 0x01;
    parts[part] = bytes.toString('base64url');
    await expect(keyWrapper.unwrap(parts.join('.'), keyContext)).rejects.toThrow();
  });

  it.each([16, 31, 33, 0])('refuses a %i-byte wrapping key', (length) => {
    expect(() => new LocalKeyWrapper(randomBytes(length))).toThrow('32 bytes');
  });
});
