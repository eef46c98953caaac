import { randomBytes, webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalKeyWrapper } from '../../shared/adapters/local/key-vault.js';
import { parseEnvelope } from '../../shared/crypto/envelope.js';
import {
  openSigningKey,
  passphraseKdfDefaults,
  sealSigningKey,
  signingKeyContext,
  type SealedSigningKey,
} from '../../shared/crypto/key-custody.js';
import type { KeyWrapper } from '../../shared/ports/key-wrapper.js';
import type { SealingContext } from '../../shared/ports/sealer.js';

// Small argon2id parameters keep most tests fast; one test uses the defaults.
const FAST = { memoryKiB: 1024, iterations: 1, parallelism: 1 } as const;
const PASSPHRASE = 'kunci rahasia Budi 2025 ✓';
const context = signingKeyContext('user-1', 'key-1');

let wrapper: LocalKeyWrapper;
let pkcs8: Uint8Array;
let publicKey: webcrypto.CryptoKey;

beforeAll(async () => {
  wrapper = new LocalKeyWrapper(randomBytes(32));
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey));
  publicKey = pair.publicKey;
});

afterAll(() => {
  pkcs8.fill(0);
});

/** A wrapper that records what it was given, around the local one. */
function recording(inner: KeyWrapper): KeyWrapper & { wrapped: Uint8Array[] } {
  const wrapped: Uint8Array[] = [];
  return {
    wrapped,
    wrap: (plaintext, ctx) => {
      wrapped.push(Buffer.from(plaintext));
      return inner.wrap(plaintext, ctx);
    },
    unwrap: (value, ctx) => inner.unwrap(value, ctx),
  };
}

/** Unwraps the inner blob, lets the test change it, and wraps it again (an attacker who holds the wrapper). */
async function rewrapInner(sealed: SealedSigningKey, edit: (inner: Buffer) => Buffer, from = context, to = context): Promise<SealedSigningKey> {
  const inner = Buffer.from(await wrapper.unwrap(sealed.wrapped, from));
  return { kdf: sealed.kdf, wrapped: await wrapper.wrap(edit(inner), to) };
}

async function signsLikeTheOriginal(opened: Uint8Array): Promise<boolean> {
  const privateKey = await webcrypto.subtle.importKey('pkcs8', opened, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const data = Buffer.from('dokumen yang ditandatangani');
  const signature = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, data);
  return webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, signature, data);
}

function encodings(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes);
  // A 24-byte slice from the middle catches partial leaks too, in every encoding.
  const slice = buffer.subarray(16, 40);
  return [buffer, slice].flatMap((b) => [b.toString('hex'), b.toString('base64'), b.toString('base64url')]);
}

describe('signingKeyContext', () => {
  it('names the purpose, the user and the key', () => {
    expect(signingKeyContext('u-9', 'k-3')).toEqual({ purpose: 'signing-key', userId: 'u-9', keyId: 'k-3' });
  });
});

describe('sealSigningKey / openSigningKey', () => {
  it('round-trips a P-256 PKCS#8: the opened key signs for the original public key', async () => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    const opened = await openSigningKey(wrapper, sealed, PASSPHRASE, context);

    expect(opened).not.toBe('WRONG_PASSPHRASE');
    expect(Buffer.from(opened as Uint8Array)).toEqual(Buffer.from(pkcs8));
    expect(await signsLikeTheOriginal(opened as Uint8Array)).toBe(true);
  });

  it('stores only the sealed form: no passphrase and no key material in the record', async () => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    const stored = JSON.stringify(sealed);

    expect(Object.keys(sealed).sort()).toEqual(['kdf', 'wrapped']);
    expect(stored).not.toContain(PASSPHRASE);
    expect(stored).not.toContain(Buffer.from(PASSPHRASE).toString('base64'));
    for (const encoded of encodings(pkcs8)) expect(stored).not.toContain(encoded);
    expect(sealed.wrapped).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('gives the wrapper only ciphertext: neither the PKCS#8 nor the passphrase reaches it', async () => {
    const spy = recording(wrapper);
    await sealSigningKey(spy, pkcs8, PASSPHRASE, context, FAST);

    expect(spy.wrapped).toHaveLength(1);
    const given = Buffer.from(spy.wrapped[0] ?? []);
    expect(given.includes(Buffer.from(pkcs8).subarray(16, 40))).toBe(false);
    expect(given.includes(Buffer.from(PASSPHRASE, 'utf8'))).toBe(false);
  });

  it('stores the KDF parameters with a fresh 16-byte salt', async () => {
    const first = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    const second = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);

    expect(first.kdf).toMatchObject({ algorithm: 'argon2id', ...FAST });
    expect(Buffer.from(first.kdf.salt, 'base64')).toHaveLength(16);
    expect(second.kdf.salt).not.toBe(first.kdf.salt);
    expect(second.wrapped).not.toBe(first.wrapped);
  });

  it('opens with the parameters stored with the key, not the current defaults', async () => {
    const odd = { memoryKiB: 2048, iterations: 2, parallelism: 2 };
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, odd);

    expect(sealed.kdf).toMatchObject(odd);
    // Derived with the defaults the key would differ and the tag would fail.
    expect(Buffer.from(await openSigningKey(wrapper, sealed, PASSPHRASE, context) as Uint8Array)).toEqual(Buffer.from(pkcs8));
  });

  it('uses the tuned defaults when no parameters are given', async () => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context);

    expect(sealed.kdf).toMatchObject({ algorithm: 'argon2id', ...passphraseKdfDefaults });
    expect(passphraseKdfDefaults).toEqual({ memoryKiB: 65_536, iterations: 3, parallelism: 1 });
    expect(Buffer.from(await openSigningKey(wrapper, sealed, PASSPHRASE, context) as Uint8Array)).toEqual(Buffer.from(pkcs8));
    await expect(openSigningKey(wrapper, sealed, 'not it', context)).resolves.toBe('WRONG_PASSPHRASE');
  }, 20_000);

  it.each([
    ['another passphrase', 'kunci rahasia Budi 2025'],
    ['an empty passphrase', ''],
    ['the passphrase in another case', PASSPHRASE.toUpperCase()],
  ])('answers WRONG_PASSPHRASE for %s', async (_label, attempt) => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    await expect(openSigningKey(wrapper, sealed, attempt, context)).resolves.toBe('WRONG_PASSPHRASE');
  });

  it('normalises the passphrase to NFC (composed and decomposed accents are the same passphrase)', async () => {
    const composed = 'Kopi di caf\u00e9 Menteng';
    const decomposed = 'Kopi di cafe\u0301 Menteng';
    expect(composed).not.toBe(decomposed);

    const sealed = await sealSigningKey(wrapper, pkcs8, composed, context, FAST);
    expect(Buffer.from(await openSigningKey(wrapper, sealed, decomposed, context) as Uint8Array)).toEqual(Buffer.from(pkcs8));
  });

  it('does not change the caller\u2019s PKCS#8', async () => {
    const copy = Buffer.from(pkcs8);
    await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    expect(Buffer.from(pkcs8)).toEqual(copy);
  });

  it.each([
    ['another user', signingKeyContext('user-2', 'key-1')],
    ['another key id', signingKeyContext('user-1', 'key-2')],
    ['another purpose', { purpose: 'outbox', userId: 'user-1', keyId: 'key-1' }],
    ['an extra entry', { ...context, tenantId: 't-1' }],
  ])('throws (not WRONG_PASSPHRASE) when opened for %s', async (_label, other: SealingContext) => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    await expect(openSigningKey(wrapper, sealed, PASSPHRASE, other)).rejects.toThrow();
  });

  it.each([1, 2, 3, 4])('throws when part %i of the outer envelope is tampered with', async (part) => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    const parts = sealed.wrapped.split('.');
    const bytes = Buffer.from(parts[part] ?? '', 'base64url');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01;
    parts[part] = bytes.toString('base64url');

    await expect(openSigningKey(wrapper, { ...sealed, wrapped: parts.join('.') }, PASSPHRASE, context)).rejects.toThrow();
  });

  it.each([
    ['an empty string', ''],
    ['another version', 'v2.AAAA.AAAA.AAAA.AAAA'],
    ['too few parts', 'v1.AAAA.AAAA.AAAA'],
    ['standard base64 characters', 'v1.AA+A.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA'],
  ])('throws on a malformed wrapped value: %s', async (_label, wrapped) => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    await expect(openSigningKey(wrapper, { ...sealed, wrapped }, PASSPHRASE, context)).rejects.toThrow();
  });

  it.each([
    ['salt', (kdf: SealedSigningKey['kdf']) => ({ ...kdf, salt: randomBytes(16).toString('base64') })],
    ['iterations', (kdf: SealedSigningKey['kdf']) => ({ ...kdf, iterations: kdf.iterations + 1 })],
    ['memory', (kdf: SealedSigningKey['kdf']) => ({ ...kdf, memoryKiB: kdf.memoryKiB * 2 })],
    ['parallelism', (kdf: SealedSigningKey['kdf']) => ({ ...kdf, parallelism: 2 })],
  ])('throws when the stored KDF %s is swapped', async (_label, swap) => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    await expect(openSigningKey(wrapper, { ...sealed, kdf: swap(sealed.kdf) }, PASSPHRASE, context)).rejects.toThrow('KDF parameters');
  });

  it.each([
    ['the ciphertext', (inner: Buffer) => flip(inner, inner.length - 1)],
    ['the tag', (inner: Buffer) => flip(inner, 26 + 12)],
    ['the iv', (inner: Buffer) => flip(inner, 26)],
    ['the salt in the header', (inner: Buffer) => flip(inner, 12)],
  ])('refuses an inner layer whose %s was changed and re-wrapped', async (label, edit) => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    let forged = await rewrapInner(sealed, edit);
    if (label.includes('header')) {
      // Keep the stored copy consistent with the forged header, so only the inner AEAD can notice.
      const salt = Buffer.from(sealed.kdf.salt, 'base64');
      flip(salt, 2);
      forged = { ...forged, kdf: { ...sealed.kdf, salt: salt.toString('base64') } };
    }
    await expect(openSigningKey(wrapper, forged, PASSPHRASE, context)).resolves.toBe('WRONG_PASSPHRASE');
  });

  it('binds the context in the inner layer too: an inner blob re-wrapped for another user does not open', async () => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    const otherUser = signingKeyContext('user-2', 'key-1');
    const moved = await rewrapInner(sealed, (inner) => inner, context, otherUser);

    await expect(openSigningKey(wrapper, moved, PASSPHRASE, otherUser)).resolves.toBe('WRONG_PASSPHRASE');
  });

  it.each([
    ['an unknown format version', (inner: Buffer) => { inner[0] = 2; return inner; }],
    ['a truncated blob', (inner: Buffer) => inner.subarray(0, 40)],
    ['an absurd memory cost', (inner: Buffer) => { inner.writeUInt32BE(4_000_000, 1); return inner; }],
    ['zero iterations', (inner: Buffer) => { inner.writeUInt32BE(0, 5); return inner; }],
  ])('throws on an inner layer with %s, before deriving anything', async (_label, edit) => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    await expect(openSigningKey(wrapper, await rewrapInner(sealed, edit), PASSPHRASE, context)).rejects.toThrow();
  });

  it('passes wrapper (KMS) failures through instead of calling them a wrong passphrase', async () => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    const failing: KeyWrapper = { wrap: wrapper.wrap.bind(wrapper), unwrap: () => Promise.reject(new Error('ThrottlingException')) };
    await expect(openSigningKey(failing, sealed, PASSPHRASE, context)).rejects.toThrow('ThrottlingException');
  });

  it.each([
    ['memory below 8 KiB per lane', { memoryKiB: 8, parallelism: 2 }],
    ['memory beyond the function', { memoryKiB: 1_048_576 }],
    ['zero iterations', { iterations: 0 }],
    ['fractional iterations', { iterations: 1.5 }],
    ['zero lanes', { parallelism: 0 }],
  ])('refuses to seal with %s', async (_label, kdf) => {
    await expect(sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, { ...FAST, ...kdf })).rejects.toThrow('out of range');
  });
});

describe('the envelope', () => {
  it('carries the local wrapper\u2019s sealed data key (iv ‖ tag ‖ 32-byte key) and a 12-byte iv and 16-byte tag', async () => {
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    const envelope = parseEnvelope(sealed.wrapped);
    expect(envelope.encryptedDataKey).toHaveLength(12 + 16 + 32);
    expect(envelope.iv).toHaveLength(12);
    expect(envelope.tag).toHaveLength(16);
    // header 26 ‖ iv 12 ‖ tag 16 ‖ PKCS#8
    expect(envelope.ciphertext).toHaveLength(26 + 12 + 16 + pkcs8.length);
  });
});

function flip(bytes: Buffer, index: number): Buffer {
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return bytes;
}
