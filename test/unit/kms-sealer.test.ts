import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { KmsSealer } from '../../shared/adapters/aws/kms-sealer.js';

const KEY_ID = 'arn:aws:kms:ap-southeast-3:123456789012:key/sealing';
const kms = mockClient(KMSClient);
const context = { purpose: 'outbox', messageId: 'msg-1' };

beforeEach(() => kms.reset());

describe('KmsSealer', () => {
  it('encrypts under its key with the context as the KMS encryption context', async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: new Uint8Array([1, 2, 3, 4]) });
    const sealed = await new KmsSealer(new KMSClient({}), KEY_ID).seal('https://tte.go.id/activate/abc', context);

    expect(sealed).toBe(Buffer.from([1, 2, 3, 4]).toString('base64'));
    expect(kms).toHaveReceivedCommandExactlyOnceWith(EncryptCommand, { KeyId: KEY_ID, EncryptionContext: context });
    const input = kms.commandCalls(EncryptCommand)[0]?.args[0].input;
    expect(Buffer.from(input?.Plaintext ?? []).toString('utf8')).toBe('https://tte.go.id/activate/abc');
  });

  it('opens with the same key and context, returning the UTF-8 text', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('Tautan rahasia ✓', 'utf8') });
    const opened = await new KmsSealer(new KMSClient({}), KEY_ID).open(Buffer.from([9, 8, 7]).toString('base64'), context);

    expect(opened).toBe('Tautan rahasia ✓');
    expect(kms).toHaveReceivedCommandExactlyOnceWith(DecryptCommand, { KeyId: KEY_ID, EncryptionContext: context });
    expect(Buffer.from(kms.commandCalls(DecryptCommand)[0]?.args[0].input.CiphertextBlob ?? [])).toEqual(Buffer.from([9, 8, 7]));
  });

  it('round-trips: what seal produced is what open sends back to KMS', async () => {
    const ciphertext = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]);
    kms.on(EncryptCommand).resolves({ CiphertextBlob: ciphertext });
    kms.on(DecryptCommand, { CiphertextBlob: Buffer.from(ciphertext), EncryptionContext: context })
      .resolves({ Plaintext: Buffer.from('{"link":"x"}') });
    const sealer = new KmsSealer(new KMSClient({}), KEY_ID);

    const sealed = await sealer.seal('{"link":"x"}', context);
    await expect(sealer.open(sealed, context)).resolves.toBe('{"link":"x"}');
  });

  it('does not share the context object with the command (a later change cannot alter it)', async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: new Uint8Array([1]) });
    const mutable: Record<string, string> = { purpose: 'outbox', messageId: 'msg-1' };
    await new KmsSealer(new KMSClient({}), KEY_ID).seal('x', mutable);
    mutable.messageId = 'msg-2';
    expect(kms.commandCalls(EncryptCommand)[0]?.args[0].input.EncryptionContext).toEqual({ purpose: 'outbox', messageId: 'msg-1' });
  });

  it.each([
    ['seal', EncryptCommand, 'KMS returned no ciphertext'],
    ['open', DecryptCommand, 'KMS returned no plaintext'],
  ] as const)('%s fails loudly when KMS returns nothing', async (method, command, message) => {
    kms.on(command as typeof EncryptCommand).resolves({});
    const sealer = new KmsSealer(new KMSClient({}), KEY_ID);
    await expect(sealer[method]('AAAA', context)).rejects.toThrow(message);
  });

  it('passes KMS errors through (e.g. a context mismatch)', async () => {
    kms.on(DecryptCommand).rejects(Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' }));
    await expect(new KmsSealer(new KMSClient({}), KEY_ID).open('AAAA', context)).rejects.toThrow('InvalidCiphertextException');
  });
});
