import { randomBytes, webcrypto } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient, type DecryptCommandInput } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KmsKeyWrapper } from '../../shared/adapters/aws/kms-key-wrapper.js';
import { parseEnvelope } from '../../shared/crypto/envelope.js';
import { openSigningKey, sealSigningKey, signingKeyContext } from '../../shared/crypto/key-custody.js';

const KEY_ID = 'arn:aws:kms:ap-southeast-3:123456789012:key/signing-keys';
const FAST = { memoryKiB: 1024, iterations: 1, parallelism: 1 } as const;
const PASSPHRASE = 'frasa sandi Siti ✓ 2025';
const context = signingKeyContext('user-1', 'key-1');
const kms = mockClient(KMSClient);

let pkcs8: Uint8Array;

beforeAll(async () => {
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey));
});

/**
 * A small KMS stand-in: every GenerateDataKey hands out a fresh data key (the test keeps a copy
 * and the very buffer it returned); Decrypt gives a copy back only for the same blob and context.
 */
function fakeKms() {
  const issued: { copy: Buffer; returned: Uint8Array; blob: Buffer; context: Record<string, string> }[] = [];
  const decrypted: Uint8Array[] = [];
  kms.on(GenerateDataKeyCommand).callsFake((input: { EncryptionContext?: Record<string, string> }) => {
    const returned = new Uint8Array(randomBytes(32));
    const blob = Buffer.concat([Buffer.from('kms-edk:'), randomBytes(24)]);
    issued.push({ copy: Buffer.from(returned), returned, blob, context: { ...input.EncryptionContext } });
    return { Plaintext: returned, CiphertextBlob: new Uint8Array(blob), KeyId: KEY_ID };
  });
  kms.on(DecryptCommand).callsFake((input: DecryptCommandInput) => {
    const match = issued.find((entry) => entry.blob.equals(Buffer.from(input.CiphertextBlob ?? []))
      && JSON.stringify(Object.entries(entry.context).sort()) === JSON.stringify(Object.entries(input.EncryptionContext ?? {}).sort()));
    if (!match) throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
    const plaintext = new Uint8Array(match.copy);
    decrypted.push(plaintext);
    return { Plaintext: plaintext, KeyId: KEY_ID };
  });
  return { issued, decrypted };
}

/** Every byte string and string anywhere in a command input. */
function leaves(value: unknown): (string | Uint8Array)[] {
  if (typeof value === 'string' || value instanceof Uint8Array) return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [];
}

function encodings(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes);
  return [buffer, buffer.subarray(8, 24)].flatMap((b) => [b.toString('hex'), b.toString('base64'), b.toString('base64url')]);
}

beforeEach(() => kms.reset());

describe('KmsKeyWrapper', () => {
  it('asks KMS for an AES-256 data key with exactly the signing-key encryption context', async () => {
    fakeKms();
    await new KmsKeyWrapper(new KMSClient({}), KEY_ID).wrap(new Uint8Array([1, 2, 3]), context);

    expect(kms).toHaveReceivedCommandExactlyOnceWith(GenerateDataKeyCommand, { KeyId: KEY_ID, KeySpec: 'AES_256' });
    const input = kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input;
    expect(input).toEqual({ KeyId: KEY_ID, KeySpec: 'AES_256', EncryptionContext: { purpose: 'signing-key', userId: 'user-1', keyId: 'key-1' } });
  });

  it('unwraps by having KMS decrypt the data key it stored, under the same key and context', async () => {
    const { issued } = fakeKms();
    const wrapper = new KmsKeyWrapper(new KMSClient({}), KEY_ID);
    const secret = randomBytes(100);
    const wrapped = await wrapper.wrap(secret, context);

    expect(Buffer.from(await wrapper.unwrap(wrapped, context))).toEqual(secret);
    expect(kms).toHaveReceivedCommandExactlyOnceWith(DecryptCommand, { KeyId: KEY_ID });
    const input = kms.commandCalls(DecryptCommand)[0]?.args[0].input;
    expect(input?.EncryptionContext).toEqual({ purpose: 'signing-key', userId: 'user-1', keyId: 'key-1' });
    expect(Buffer.from(input?.CiphertextBlob ?? [])).toEqual(issued[0]?.blob);
    expect(parseEnvelope(wrapped).encryptedDataKey).toEqual(issued[0]?.blob);
  });

  it('keeps neither the plaintext nor the data key in the wrapped string', async () => {
    const { issued } = fakeKms();
    const wrapped = await new KmsKeyWrapper(new KMSClient({}), KEY_ID).wrap(pkcs8, context);
    const dataKey = issued[0]?.copy ?? Buffer.alloc(0);

    expect(dataKey).toHaveLength(32);
    for (const encoded of [...encodings(pkcs8), ...encodings(dataKey)]) expect(wrapped).not.toContain(encoded);
  });

  it('zeroes the plaintext data key KMS returned once the wrap is done', async () => {
    const { issued } = fakeKms();
    await new KmsKeyWrapper(new KMSClient({}), KEY_ID).wrap(pkcs8, context);

    expect(issued[0]?.copy.some((byte) => byte !== 0)).toBe(true);
    expect(Array.from(issued[0]?.returned ?? [1])).toEqual(new Array(32).fill(0));
  });

  it('zeroes the data key Decrypt returned once the unwrap is done', async () => {
    const { decrypted } = fakeKms();
    const wrapper = new KmsKeyWrapper(new KMSClient({}), KEY_ID);
    await wrapper.unwrap(await wrapper.wrap(pkcs8, context), context);

    expect(decrypted).toHaveLength(1);
    expect(Array.from(decrypted[0] ?? [1])).toEqual(new Array(32).fill(0));
  });

  it('makes a fresh data key for every wrap', async () => {
    const { issued } = fakeKms();
    const wrapper = new KmsKeyWrapper(new KMSClient({}), KEY_ID);
    const first = await wrapper.wrap(pkcs8, context);
    const second = await wrapper.wrap(pkcs8, context);

    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 2);
    expect(issued[0]?.copy.equals(issued[1]?.copy ?? Buffer.alloc(0))).toBe(false);
    expect(first).not.toBe(second);
  });

  it('never sends the PKCS#8 or the passphrase to KMS (seal, open and a wrong passphrase)', async () => {
    fakeKms();
    const wrapper = new KmsKeyWrapper(new KMSClient({}), KEY_ID);
    const sealed = await sealSigningKey(wrapper, pkcs8, PASSPHRASE, context, FAST);
    expect(Buffer.from(await openSigningKey(wrapper, sealed, PASSPHRASE, context) as Uint8Array)).toEqual(Buffer.from(pkcs8));
    await expect(openSigningKey(wrapper, sealed, 'salah', context)).resolves.toBe('WRONG_PASSPHRASE');

    const calls = kms.calls();
    expect(calls).toHaveLength(3);
    const passphraseBytes = Buffer.from(PASSPHRASE, 'utf8');
    const keySlice = Buffer.from(pkcs8).subarray(16, 48);
    for (const call of calls) {
      for (const leaf of leaves((call.args[0] as { input: unknown }).input)) {
        if (typeof leaf === 'string') {
          expect(leaf).not.toContain(PASSPHRASE);
          expect(leaf).not.toContain('salah');
          for (const encoded of encodings(pkcs8)) expect(leaf).not.toContain(encoded);
        } else {
          expect(Buffer.from(leaf).includes(passphraseBytes)).toBe(false);
          expect(Buffer.from(leaf).includes(keySlice)).toBe(false);
        }
      }
    }
  });

  it('fails for another context: KMS refuses the data key', async () => {
    fakeKms();
    const wrapper = new KmsKeyWrapper(new KMSClient({}), KEY_ID);
    const wrapped = await wrapper.wrap(pkcs8, context);
    await expect(wrapper.unwrap(wrapped, signingKeyContext('user-2', 'key-1'))).rejects.toThrow('InvalidCiphertextException');
  });

  it('fails when the body was tampered with, even though KMS gives the data key back', async () => {
    fakeKms();
    const wrapper = new KmsKeyWrapper(new KMSClient({}), KEY_ID);
    const parts = (await wrapper.wrap(pkcs8, context)).split('.');
    const body = Buffer.from(parts[4] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 0x80;
    parts[4] = body.toString('base64url');

    await expect(wrapper.unwrap(parts.join('.'), context)).rejects.toThrow();
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 1);
  });

  it('fails when KMS gives back a different data key', async () => {
    fakeKms();
    const wrapper = new KmsKeyWrapper(new KMSClient({}), KEY_ID);
    const wrapped = await wrapper.wrap(pkcs8, context);
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(randomBytes(32)) });
    await expect(wrapper.unwrap(wrapped, context)).rejects.toThrow();
  });

  it('refuses a malformed wrapped value without calling KMS', async () => {
    await expect(new KmsKeyWrapper(new KMSClient({}), KEY_ID).unwrap('not-an-envelope', context)).rejects.toThrow('Malformed');
    expect(kms.calls()).toHaveLength(0);
  });

  it('fails loudly, zeroing what it got, when GenerateDataKey returns no encrypted key', async () => {
    const plaintext = new Uint8Array(randomBytes(32));
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: plaintext });
    await expect(new KmsKeyWrapper(new KMSClient({}), KEY_ID).wrap(pkcs8, context)).rejects.toThrow('no data key');
    expect(plaintext.every((byte) => byte === 0)).toBe(true);
  });

  it('fails loudly, zeroing it, when the data key is not 32 bytes', async () => {
    const plaintext = new Uint8Array(randomBytes(16));
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: plaintext, CiphertextBlob: new Uint8Array([1, 2, 3]) });
    await expect(new KmsKeyWrapper(new KMSClient({}), KEY_ID).wrap(pkcs8, context)).rejects.toThrow('32-byte');
    expect(plaintext.every((byte) => byte === 0)).toBe(true);
  });

  it('fails loudly when Decrypt returns no plaintext', async () => {
    fakeKms();
    const wrapper = new KmsKeyWrapper(new KMSClient({}), KEY_ID);
    const wrapped = await wrapper.wrap(pkcs8, context);
    kms.on(DecryptCommand).resolves({});
    await expect(wrapper.unwrap(wrapped, context)).rejects.toThrow('no data key');
  });

  it('does not share the context object with the command (a later change cannot alter it)', async () => {
    fakeKms();
    const mutable: Record<string, string> = { purpose: 'signing-key', userId: 'user-1', keyId: 'key-1' };
    await new KmsKeyWrapper(new KMSClient({}), KEY_ID).wrap(pkcs8, mutable);
    mutable.userId = 'user-2';
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input.EncryptionContext).toEqual({ purpose: 'signing-key', userId: 'user-1', keyId: 'key-1' });
  });
});
