import { randomBytes } from 'node:crypto';
import { hashRaw, type Algorithm, type Version } from '@node-rs/argon2';
import type { KeyWrapper } from '../ports/key-wrapper.js';
import type { SealingContext } from '../ports/sealer.js';
import { aesGcmDecrypt, aesGcmEncrypt, associatedData } from './envelope.js';

/**
 * Custody of a user's signing key (ECDSA P-256, PKCS#8), in two layers:
 *
 * 1. inner: AES-256-GCM under argon2id(passphrase, random salt). The associated data binds the
 *    KDF parameters and the context, so a key opens only for its own user and key id, and only
 *    with the parameters it was sealed with;
 * 2. outer: the inner blob wrapped by the KeyWrapper (KMS data key / local vault) under the same
 *    context.
 *
 * Only the result is stored. The passphrase is never stored or logged; a wrong one shows up as
 * the inner tag failing to authenticate ('WRONG_PASSPHRASE'). Anything else — the KMS call, a
 * tampered outer layer, a stored record whose parameters do not match — throws.
 *
 * Inner blob (what the KeyWrapper wraps):
 *   version (1 byte = 1) ‖ memoryKiB (u32 BE) ‖ iterations (u32 BE) ‖ parallelism (1 byte) ‖
 *   salt (16) ‖ iv (12) ‖ tag (16) ‖ ciphertext
 * The first 26 bytes are the header; AAD = header ‖ associatedData(context). The header is
 * authenticated twice (outer layer and inner AAD); the parameters used on open are the header's,
 * checked against the stored `kdf` beside it.
 */

export interface PassphraseKdf {
  algorithm: 'argon2id';
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** 16 random bytes, base64. */
  salt: string;
}

export type PassphraseKdfParameters = Omit<PassphraseKdf, 'algorithm' | 'salt'>;

/**
 * argon2id at 64 MiB, 3 passes, 1 lane. Measured on this machine (AMD EPYC, @node-rs/argon2
 * 2.2.1, Node 20, hashRaw with a 32-byte output; two runs of 9 and 21 derivations, medians):
 *   64 MiB × t=2  →  93 /  82 ms   (below the 100 ms floor)
 *   48 MiB × t=3  → 128 /  93 ms   (unsteady around the floor)
 *   64 MiB × t=3  → 136 / 116 ms   ← chosen
 *   96 MiB × t=2  → 146 / 156 ms   (at/over the 150 ms ceiling)
 *   96 MiB × t=3  → 249 / 209 ms
 *  128 MiB × t=2  → 223 / 194 ms
 * The signing Lambda has 1 GB, which gives it about one vCPU, comparable to one core here.
 * The parameters are stored with each key, so raising these later still opens older keys
 * (and a passphrase change re-seals with the current defaults).
 */
export const passphraseKdfDefaults: Readonly<PassphraseKdfParameters> = Object.freeze({
  memoryKiB: 65_536,
  iterations: 3,
  parallelism: 1,
});

/** The stored form: the passphrase-sealed PKCS#8, wrapped again by the KeyWrapper. */
export interface SealedSigningKey {
  kdf: PassphraseKdf;
  wrapped: string;
}

export const signingKeyContext = (userId: string, keyId: string): SealingContext =>
  Object.freeze({ purpose: 'signing-key', userId, keyId });

export type WrongPassphrase = 'WRONG_PASSPHRASE';

// Algorithm and Version are ambient const enums (not importable as values here).
const ARGON2ID = 2 as Algorithm;
const ARGON2_VERSION_0x13 = 1 as Version;

const FORMAT_VERSION = 1;
const SALT_BYTES = 16;
const HEADER_BYTES = 1 + 4 + 4 + 1 + SALT_BYTES;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Sanity bounds, not a strength policy: they keep a record from asking for more memory than the
 * function has (or an argon2-invalid combination) before any derivation is attempted.
 */
const MAX_MEMORY_KIB = 262_144; // 256 MiB of a 1 GB Lambda
const MAX_ITERATIONS = 16;
const MAX_PARALLELISM = 8;

/** Seals the PKCS#8 under the passphrase, then wraps it. The caller's `pkcs8` is left as it is. */
export async function sealSigningKey(
  wrapper: KeyWrapper,
  pkcs8: Uint8Array,
  passphrase: string,
  context: SealingContext,
  kdf: Partial<PassphraseKdfParameters> = {},
): Promise<SealedSigningKey> {
  const parameters = { ...passphraseKdfDefaults, ...kdf };
  const salt = randomBytes(SALT_BYTES);
  const stored: PassphraseKdf = { algorithm: 'argon2id', ...checkParameters(parameters), salt: salt.toString('base64') };
  const header = encodeHeader(stored, salt);
  const key = await derive(passphrase, stored, salt);
  let inner: Buffer;
  try {
    const box = aesGcmEncrypt(key, pkcs8, innerAad(header, context));
    inner = Buffer.concat([header, box.iv, box.tag, box.ciphertext]);
  } finally {
    key.fill(0);
  }
  const wrapped = await wrapper.wrap(inner, context);
  return { kdf: stored, wrapped };
}

/** The PKCS#8, or 'WRONG_PASSPHRASE' when the inner AES-GCM tag does not authenticate. Any other failure (KMS, tampering of the outer layer) throws. */
export async function openSigningKey(
  wrapper: KeyWrapper,
  sealed: SealedSigningKey,
  passphrase: string,
  context: SealingContext,
): Promise<Uint8Array | WrongPassphrase> {
  const inner = Buffer.from(await wrapper.unwrap(sealed.wrapped, context));
  if (inner.length < HEADER_BYTES + IV_BYTES + TAG_BYTES || inner[0] !== FORMAT_VERSION) {
    throw new Error('Malformed sealed signing key');
  }
  const header = inner.subarray(0, HEADER_BYTES);
  const kdf = decodeHeader(header);
  if (!sameKdf(kdf, sealed.kdf)) throw new Error('The sealed signing key does not match its stored KDF parameters');

  const key = await derive(passphrase, kdf, Buffer.from(kdf.salt, 'base64'));
  try {
    return aesGcmDecrypt(key, {
      iv: inner.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES),
      tag: inner.subarray(HEADER_BYTES + IV_BYTES, HEADER_BYTES + IV_BYTES + TAG_BYTES),
      ciphertext: inner.subarray(HEADER_BYTES + IV_BYTES + TAG_BYTES),
    }, innerAad(header, context));
  } catch {
    // The outer layer authenticated this blob and its header, so the only thing left that can
    // fail the inner tag is the key derived from the passphrase.
    return 'WRONG_PASSPHRASE';
  } finally {
    key.fill(0);
  }
}

async function derive(passphrase: string, kdf: PassphraseKdfParameters, salt: Buffer): Promise<Buffer> {
  // NFC so the same passphrase typed on different keyboards/OSes derives the same key. A Buffer
  // (rather than the string) so this copy can be zeroed; the JS string itself cannot be.
  const secret = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  try {
    return await hashRaw(secret, {
      algorithm: ARGON2ID,
      version: ARGON2_VERSION_0x13,
      memoryCost: kdf.memoryKiB,
      timeCost: kdf.iterations,
      parallelism: kdf.parallelism,
      outputLen: 32,
      salt,
    });
  } finally {
    secret.fill(0);
  }
}

function checkParameters(parameters: PassphraseKdfParameters): PassphraseKdfParameters {
  const { memoryKiB, iterations, parallelism } = parameters;
  const whole = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
  if (!whole(parallelism, 1, MAX_PARALLELISM) || !whole(iterations, 1, MAX_ITERATIONS) || !whole(memoryKiB, 8 * parallelism, MAX_MEMORY_KIB)) {
    throw new Error('Argon2id parameters out of range');
  }
  return { memoryKiB, iterations, parallelism };
}

function encodeHeader(kdf: PassphraseKdf, salt: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(FORMAT_VERSION, 0);
  header.writeUInt32BE(kdf.memoryKiB, 1);
  header.writeUInt32BE(kdf.iterations, 5);
  header.writeUInt8(kdf.parallelism, 9);
  salt.copy(header, 10);
  return header;
}

function decodeHeader(header: Buffer): PassphraseKdf {
  const parameters = checkParameters({
    memoryKiB: header.readUInt32BE(1),
    iterations: header.readUInt32BE(5),
    parallelism: header.readUInt8(9),
  });
  return { algorithm: 'argon2id', ...parameters, salt: header.subarray(10, HEADER_BYTES).toString('base64') };
}

function sameKdf(a: PassphraseKdf, b: PassphraseKdf | undefined): boolean {
  return b !== undefined && a.algorithm === b.algorithm && a.memoryKiB === b.memoryKiB && a.iterations === b.iterations
    && a.parallelism === b.parallelism && a.salt === b.salt;
}

function innerAad(header: Buffer, context: SealingContext): Buffer {
  return Buffer.concat([header, associatedData(context)]);
}
