import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealingContext } from '../ports/sealer.js';

/**
 * AES-256-GCM building blocks shared by the key wrappers (KMS and local) and the key custody
 * layer. Nothing here is new cryptography: Node's AES-256-GCM with a random 96-bit IV and a
 * full 128-bit tag, and a fixed string format for the envelope.
 */

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The sealing context as associated data: entries sorted by key, JSON. The order of the keys does not matter. */
export function associatedData(context: SealingContext): Buffer {
  const ordered = Object.keys(context).sort().map((key) => [key, context[key]]);
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

export interface AesGcmBox {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export function aesGcmEncrypt(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): AesGcmBox {
  if (key.length !== KEY_BYTES) throw new Error('AES-256-GCM needs a 32-byte key');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** A box as one buffer, iv ‖ tag ‖ ciphertext (the local vault's stored form), and back. */
export const joinBox = (box: AesGcmBox): Buffer => Buffer.concat([box.iv, box.tag, box.ciphertext]);
export function splitBox(joined: Uint8Array): AesGcmBox {
  const raw = Buffer.from(joined);
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('Malformed AES-GCM box');
  return { iv: raw.subarray(0, IV_BYTES), tag: raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES), ciphertext: raw.subarray(IV_BYTES + TAG_BYTES) };
}

/** Throws when the tag does not authenticate; no unauthenticated plaintext is returned or left behind. */
export function aesGcmDecrypt(key: Uint8Array, box: AesGcmBox, aad: Uint8Array): Buffer {
  if (key.length !== KEY_BYTES) throw new Error('AES-256-GCM needs a 32-byte key');
  if (box.iv.length !== IV_BYTES || box.tag.length !== TAG_BYTES) throw new Error('Malformed AES-GCM box');
  const decipher = createDecipheriv('aes-256-gcm', key, box.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(box.tag);
  const plaintext = decipher.update(box.ciphertext);
  try {
    decipher.final(); // GCM gives nothing more here; it only checks the tag.
  } catch (error) {
    plaintext.fill(0);
    throw error;
  }
  return plaintext;
}

/** A data key as a KMS GenerateDataKey returns it: the plaintext key and its encrypted form. */
export interface DataKey {
  plaintext: Uint8Array;
  encrypted: Uint8Array;
}

export interface Envelope extends AesGcmBox {
  encryptedDataKey: Buffer;
}

const VERSION = 'v1';
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Encrypts `plaintext` under the data key with the context as associated data and packs
 * `v1.<encryptedDataKey>.<iv>.<tag>.<ciphertext>` (each base64url). The plaintext data key is
 * zeroed before this returns, whether it succeeds or not.
 */
export function sealEnvelope(plaintext: Uint8Array, dataKey: DataKey, context: SealingContext): string {
  try {
    if (dataKey.encrypted.length === 0) throw new Error('The encrypted data key is empty');
    const box = aesGcmEncrypt(dataKey.plaintext, plaintext, associatedData(context));
    return [VERSION, Buffer.from(dataKey.encrypted), box.iv, box.tag, box.ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  } finally {
    dataKey.plaintext.fill(0);
  }
}

/** Parses the envelope string; throws on anything that is not exactly the v1 shape. */
export function parseEnvelope(wrapped: string): Envelope {
  const parts = wrapped.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('Malformed wrapped key');
  const [encryptedDataKey, iv, tag, ciphertext] = parts.slice(1).map(decodeBase64url) as [Buffer, Buffer, Buffer, Buffer];
  if (encryptedDataKey.length === 0 || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('Malformed wrapped key');
  return { encryptedDataKey, iv, tag, ciphertext };
}

/** Decrypts the envelope body with the (already decrypted) data key, which is zeroed before this returns. */
export function openEnvelope(envelope: Envelope, dataKey: Uint8Array, context: SealingContext): Buffer {
  try {
    return aesGcmDecrypt(dataKey, envelope, associatedData(context));
  } finally {
    dataKey.fill(0);
  }
}

function decodeBase64url(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64url');
  // Strict: only the canonical encoding is accepted, so one value has one spelling.
  if (!BASE64URL.test(text) || bytes.toString('base64url') !== text) throw new Error('Malformed wrapped key');
  return bytes;
}
