import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aesGcmDecrypt, aesGcmEncrypt, associatedData, joinBox, openEnvelope, parseEnvelope, sealEnvelope, splitBox } from '../../crypto/envelope.js';
import type { CaSigner } from '../../ports/ca-signer.js';
import type { KeyWrapper } from '../../ports/key-wrapper.js';
import type { Pseudonymizer } from '../../ports/pseudonymizer.js';
import type { Sealer, SealingContext } from '../../ports/sealer.js';

/**
 * The local stand-in for KMS: key files under `<dataDir>/keys`, made on first start and kept
 * (mode 0600) so data sealed in one run opens in the next.
 */
export function openLocalKeyVault(dataDir: string): { sealer: Sealer; caSigner: CaSigner; tsaSigner: CaSigner; serviceSealSigner: CaSigner; pseudonymizer: Pseudonymizer; keyWrapper: KeyWrapper } {
  const dir = join(dataDir, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const sealingKey = readOrCreate(join(dir, 'sealing.key'), () => randomBytes(32));
  const newSigningKeyPem = () => Buffer.from(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const caKeyPem = readOrCreate(join(dir, 'ca-key.pem'), newSigningKeyPem);
  // The timestamp authority signs with a key of its own, as on AWS (a second KMS key).
  const tsaKeyPem = readOrCreate(join(dir, 'tsa-key.pem'), newSigningKeyPem);
  // So does the service's electronic seal (a third KMS key on AWS).
  const serviceSealKeyPem = readOrCreate(join(dir, 'service-seal-key.pem'), newSigningKeyPem);
  const indexKey = readOrCreate(join(dir, 'index.key'), () => randomBytes(32));
  const wrappingKey = readOrCreate(join(dir, 'key-wrapping.key'), () => randomBytes(32));
  return {
    sealer: new AesGcmSealer(sealingKey),
    caSigner: new FileCaSigner(createPrivateKey(caKeyPem)),
    tsaSigner: new FileCaSigner(createPrivateKey(tsaKeyPem)),
    serviceSealSigner: new FileCaSigner(createPrivateKey(serviceSealKeyPem)),
    pseudonymizer: new HmacPseudonymizer(indexKey),
    keyWrapper: new LocalKeyWrapper(wrappingKey),
  };
}

function readOrCreate(path: string, make: () => Buffer): Buffer {
  if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600, flag: 'wx' });
  return readFileSync(path);
}

export class AesGcmSealer implements Sealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The local sealing key must be 32 bytes');
  }

  async seal(plaintext: string, context: SealingContext): Promise<string> {
    return joinBox(aesGcmEncrypt(this.key, Buffer.from(plaintext, 'utf8'), associatedData(context))).toString('base64');
  }

  async open(sealed: string, context: SealingContext): Promise<string> {
    return aesGcmDecrypt(this.key, splitBox(Buffer.from(sealed, 'base64')), associatedData(context)).toString('utf8');
  }
}

/**
 * The local stand-in for KMS GenerateDataKey/Decrypt: a random data key per wrap, whose
 * "encrypted" form is that key sealed (AES-256-GCM, iv ‖ tag ‖ ciphertext) under the vault's
 * key-wrapping key with the same context bound. Same envelope format as the KMS adapter.
 */
export class LocalKeyWrapper implements KeyWrapper {
  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('The local key-wrapping key must be 32 bytes');
  }

  async wrap(plaintext: Uint8Array, context: SealingContext): Promise<string> {
    const dataKey = randomBytes(32);
    const encrypted = joinBox(aesGcmEncrypt(this.masterKey, dataKey, associatedData(context)));
    return sealEnvelope(plaintext, { plaintext: dataKey, encrypted }, context);
  }

  async unwrap(wrapped: string, context: SealingContext): Promise<Uint8Array> {
    const envelope = parseEnvelope(wrapped);
    const sealedKey = envelope.encryptedDataKey;
    if (sealedKey.length !== 12 + 16 + 32) throw new Error('Malformed wrapped key');
    const dataKey = aesGcmDecrypt(this.masterKey, splitBox(sealedKey), associatedData(context));
    return openEnvelope(envelope, dataKey, context);
  }
}

export class FileCaSigner implements CaSigner {
  private readonly spki: Uint8Array;

  constructor(private readonly privateKey: KeyObject) {
    this.spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  }

  async signSha256(data: Uint8Array): Promise<Uint8Array> {
    // DER (not IEEE P1363) so local signatures have the same shape as KMS ones.
    return sign('sha256', data, { key: this.privateKey, dsaEncoding: 'der' });
  }

  async publicKeySpki(): Promise<Uint8Array> {
    return this.spki;
  }
}

/** The local stand-in for a KMS HMAC key. */
export class HmacPseudonymizer implements Pseudonymizer {
  constructor(private readonly key: Buffer) {}

  async index(value: string, purpose: string): Promise<string> {
    return createHmac('sha256', this.key).update(`${purpose}:${value}`, 'utf8').digest('hex');
  }
}
