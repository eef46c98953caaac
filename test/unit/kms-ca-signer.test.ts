import { createHash, randomBytes } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { KmsCaSigner } from '../../shared/adapters/aws/kms-ca-signer.js';

const KEY_ID = 'alias/tte-ca';
const kms = mockClient(KMSClient);

beforeEach(() => kms.reset());

describe('KmsCaSigner', () => {
  it('signs the SHA-256 digest of the message (MessageType DIGEST) with ECDSA_SHA_256 under the CA key', async () => {
    const signature = new Uint8Array([0x30, 0x44, 0x02, 0x20]);
    kms.on(SignCommand).resolves({ Signature: signature });
    const tbs = new Uint8Array([1, 2, 3, 4, 5]);

    await expect(new KmsCaSigner(new KMSClient({}), KEY_ID).signSha256(tbs)).resolves.toEqual(signature);
    expect(kms).toHaveReceivedCommandExactlyOnceWith(SignCommand, {
      KeyId: KEY_ID, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256',
    });
    const message = Buffer.from(kms.commandCalls(SignCommand)[0]?.args[0].input.Message ?? []);
    expect(message).toHaveLength(32);
    expect(message).toEqual(createHash('sha256').update(tbs).digest());
  });

  it('sends only the 32-byte digest for a message far over the 4 KB RAW limit (a large CRL)', async () => {
    kms.on(SignCommand).resolves({ Signature: new Uint8Array([0x30, 0x45]) });
    const crl = randomBytes(100 * 1024);

    await new KmsCaSigner(new KMSClient({}), KEY_ID).signSha256(crl);
    const input = kms.commandCalls(SignCommand)[0]?.args[0].input;
    expect(input?.MessageType).toBe('DIGEST');
    expect(Buffer.from(input?.Message ?? [])).toEqual(createHash('sha256').update(crl).digest());
    expect(input?.Message).toHaveLength(32);
  });

  it('returns the DER signature from KMS unchanged', async () => {
    const der = Buffer.from('3045022100' + 'ab'.repeat(32) + '0220' + 'cd'.repeat(32), 'hex');
    kms.on(SignCommand).resolves({ Signature: der });
    expect(Buffer.from(await new KmsCaSigner(new KMSClient({}), KEY_ID).signSha256(new Uint8Array([9])))).toEqual(der);
  });

  it('fails when KMS returns no signature', async () => {
    kms.on(SignCommand).resolves({});
    await expect(new KmsCaSigner(new KMSClient({}), KEY_ID).signSha256(new Uint8Array([1]))).rejects.toThrow('no signature');
  });

  it('fetches the public key once and serves it from memory afterwards', async () => {
    const spki = new Uint8Array([0x30, 0x59, 0x30, 0x13]);
    kms.on(GetPublicKeyCommand).resolves({ PublicKey: spki });
    const signer = new KmsCaSigner(new KMSClient({}), KEY_ID);

    await expect(signer.publicKeySpki()).resolves.toEqual(spki);
    await expect(signer.publicKeySpki()).resolves.toEqual(spki);
    expect(kms).toHaveReceivedCommandExactlyOnceWith(GetPublicKeyCommand, { KeyId: KEY_ID });
  });

  it('does not cache a failed public key lookup', async () => {
    kms.on(GetPublicKeyCommand).rejectsOnce(new Error('throttled')).resolves({ PublicKey: new Uint8Array([7]) });
    const signer = new KmsCaSigner(new KMSClient({}), KEY_ID);

    await expect(signer.publicKeySpki()).rejects.toThrow('throttled');
    await expect(signer.publicKeySpki()).resolves.toEqual(new Uint8Array([7]));
    expect(kms).toHaveReceivedCommandTimes(GetPublicKeyCommand, 2);
  });
});
