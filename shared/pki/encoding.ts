import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { bitString, TAG, tlv } from './der.js';

/** ecdsa-with-SHA256 (RFC 5758: parameters absent). Every CA signature uses it. */
export const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
export const ID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const PRIME256V1 = '1.2.840.10045.3.1.7';
export const ID_SHA1 = '1.3.14.3.2.26';
export const ID_SHA256 = '2.16.840.1.101.3.4.2.1';

export function ecdsaWithSha256(): AlgorithmIdentifier {
  return new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
}

/** DER of the prime256v1 OID, as it appears in an EC SubjectPublicKeyInfo's parameters. */
export const PRIME256V1_PARAMETERS = Buffer.from('06082a8648ce3d030107', 'hex');

/**
 * A P-256 SubjectPublicKeyInfo with an uncompressed point is always these 27 octets
 * (SEQUENCE, AlgorithmIdentifier id-ecPublicKey prime256v1, BIT STRING header, 0x04) and X || Y.
 */
export const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex');
export const P256_SPKI_LENGTH = P256_SPKI_PREFIX.length + 64;

export function toPem(der: Uint8Array, label: string): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER inside the first PEM block with this label. */
export function fromPem(pem: string, label: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!match?.[1]) throw new Error(`No PEM ${label} block found`);
  const der = Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
  if (der.length === 0) throw new Error(`Empty PEM ${label} block`);
  return new Uint8Array(der);
}

export function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
}

/** A serial in this service's text form (lowercase hex of the INTEGER content octets) to those octets. */
export function serialBytes(serialNumber: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2}){1,20}$/.test(serialNumber)) throw new RangeError(`Invalid serial number: ${serialNumber}`);
  return Buffer.from(serialNumber, 'hex');
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

export function sha1(data: ArrayBuffer | Uint8Array): Buffer {
  return createHash('sha1').update(data instanceof Uint8Array ? data : new Uint8Array(data)).digest();
}

export function sha256(data: ArrayBuffer | Uint8Array): Buffer {
  return createHash('sha256').update(data instanceof Uint8Array ? data : new Uint8Array(data)).digest();
}

/** Certificates, CRLs and OCSP carry whole seconds (DER times have no fraction here). */
export function wholeSeconds(date: Date): Date {
  const time = date.getTime();
  if (!Number.isFinite(time)) throw new RangeError('Invalid date');
  return new Date(Math.floor(time / 1000) * 1000);
}

/** DER of the ecdsa-with-SHA256 AlgorithmIdentifier. */
export const ECDSA_WITH_SHA256_DER: Uint8Array = new Uint8Array(AsnConvert.serialize(ecdsaWithSha256()));

/**
 * SEQUENCE { tbs, signatureAlgorithm, signature BIT STRING }: the shape of a Certificate, a
 * CertificationRequest, a CertificateList and a BasicOCSPResponse. The TBS goes in as the very
 * bytes that were signed; the signer's DER ECDSA-Sig-Value goes straight into the BIT STRING.
 */
export function signedStructure(tbsDer: Uint8Array, signature: Uint8Array): Uint8Array {
  return tlv(TAG.SEQUENCE, [tbsDer, ECDSA_WITH_SHA256_DER, bitString(signature)]);
}
