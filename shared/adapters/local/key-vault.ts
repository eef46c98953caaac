import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaSigner } from '../../ports/ca-signer.js';
import type { Pseudonymizer } from '../../ports/pseudonymizer.js';
import type { Sealer, SealingContext } from '../../ports/sealer.js';

/**
 * The local stand-in for KMS: key files under `<dataDir>/keys`, made on first start and kept
 * (mode 0600) so data sealed in one run opens in the next.
 */
export function openLocalKeyVault(dataDir: string): { sealer: Sealer; caSigner: CaSigner; pseudonymizer: Pseudonymizer } {
  const dir = join(dataDir, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const sealingKey = readOrCreate(join(dir, 'sealing.key'), () => randomBytes(32));
  const caKeyPem = readOrCreate(join(dir, 'ca-key.pem'), () =>
    Buffer.from(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' })));
  const indexKey = readOrCreate(join(dir, 'index.key'), () => randomBytes(32));
  return { sealer: new AesGcmSealer(sealingKey), caSigner: new FileCaSigner(createPrivateKey(caKeyPem)), pseudonymizer: new HmacPseudonymizer(indexKey) };
}

function readOrCreate(path: string, make: () => Buffer): Buffer {
  if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600, flag: 'wx' });
  return readFileSync(path);
}

/** The sealing context is bound as associated data: a value only opens under its own context. */
function associatedData(context: SealingContext): Buffer {
  const ordered = Object.keys(context).sort().map((key) => [key, context[key]]);
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

export class AesGcmSealer implements Sealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The local sealing key must be 32 bytes');
  }

  async seal(plaintext: string, context: SealingContext): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(associatedData(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  async open(sealed: string, context: SealingContext): Promise<string> {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAAD(associatedData(context));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
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
