import { constants, createHash, createVerify, verify as verifySignature, X509Certificate, type KeyObject } from 'node:crypto';
import { PDF, PdfArray, PdfBool, PdfDict, PdfName, PdfNull, PdfNumber, PdfRef, PdfStream, PdfString, type PdfObject } from '@libpdf/core';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CertificateStatusAnswer } from '../domain/certificates.js';
import { AppError } from '../domain/errors.js';
import type { Clock } from '../ports/runtime.js';
import { DerError, readChildren, readElement, readSingle, TAG, tlv } from '../pki/der.js';

/**
 * PAdES signature verification, HTTP- and AWS-free: a PDF's bytes in, a report out. @libpdf/core
 * reads the document (signature fields, dictionaries, the DSS); pkijs/asn1js read CMS, TSP, OCSP
 * and CRLs; node:crypto hashes and checks signatures. Nothing here parses PDF syntax or does
 * cryptography by hand.
 *
 * Per signature: integrity (the byte range covers the whole file but the signature's own
 * /Contents, the messageDigest matches, the CMS signature verifies), what the revisions after it
 * add (validation data, other signatures, or other changes), the chain to a trust anchor, the
 * signature timestamp, revocation at the signing time (the DSS first, else the live status the
 * caller looks up), the PAdES level, and a conclusion. Document timestamps (ETSI.RFC3161) are not
 * signers: they prove time for what they cover and make B-LTA.
 */

export type SignatureConclusion = 'VALID' | 'INVALID' | 'INDETERMINATE';
export type DocumentConclusion = SignatureConclusion | 'NO_SIGNATURE';
export type PadesLevel = 'PAdES-B-B' | 'PAdES-B-T' | 'PAdES-B-LT' | 'PAdES-B-LTA';
export type RevocationStatus = 'good' | 'revoked' | 'unknown';
/** Where the revocation status came from: an OCSP response or a CRL in the DSS, or the service's own records. */
export type RevocationSource = 'DSS_OCSP' | 'DSS_CRL' | 'SERVICE';

/** Codes for programs, each with a short Indonesian description for people. */
export const verificationNotes = {
  BYTE_RANGE_INVALID: 'Rentang byte tanda tangan tidak mencakup seluruh berkas selain nilai tanda tangannya.',
  DIGEST_MISMATCH: 'Isi dokumen berubah setelah ditandatangani.',
  SIGNATURE_INVALID: 'Nilai tanda tangan tidak cocok dengan sertifikat penanda tangan.',
  SIGNING_CERTIFICATE_MISMATCH: 'Sertifikat yang disertakan bukan sertifikat yang ditandatangani penanda tangan.',
  SIGNATURE_DATA_INVALID: 'Data tanda tangan (CMS) rusak atau tidak terbaca.',
  FORMAT_UNSUPPORTED: 'Jenis tanda tangan atau algoritmanya tidak didukung untuk diperiksa.',
  WEAK_ALGORITHM: 'Tanda tangan memakai SHA-1, algoritma yang sudah dianggap lemah.',
  CERTIFICATE_UNTRUSTED: 'Sertifikat penanda tangan tidak diterbitkan oleh CA layanan ini (CA tidak dikenal).',
  CERTIFICATE_NOT_VALID_AT_SIGNING_TIME: 'Sertifikat belum berlaku atau sudah kedaluwarsa pada waktu penandatanganan.',
  CERTIFICATE_EXPIRED_NO_POE: 'Sertifikat sudah kedaluwarsa dan waktu penandatanganan tidak dibuktikan dengan cap waktu.',
  CERTIFICATE_REVOKED: 'Sertifikat sudah dicabut pada waktu penandatanganan.',
  REVOKED_AFTER_SIGNING: 'Sertifikat dicabut setelah penandatanganan; tanda tangan tetap sah karena cap waktu membuktikan waktunya.',
  REVOKED_NO_POE: 'Sertifikat sudah dicabut dan waktu penandatanganan tidak dibuktikan dengan cap waktu.',
  REVOCATION_UNKNOWN: 'Status pencabutan sertifikat tidak dapat diketahui.',
  TIMESTAMP_INVALID: 'Cap waktu rusak atau tidak cocok dengan data yang dicapnya.',
  TIMESTAMP_UNTRUSTED: 'Cap waktu diterbitkan oleh TSA yang tidak dikenal; waktunya tidak dipakai sebagai bukti.',
  DOCUMENT_ENCRYPTED: 'Dokumen terenkripsi: nama kolom, alasan, lokasi dan waktu yang dinyatakan tidak dapat dibaca tanpa kata sandi.',
  MODIFIED_AFTER_SIGNING: 'Dokumen diubah setelah ditandatangani, dan perubahannya bukan sekadar tanda tangan lain atau data validasi (misalnya isi halaman, anotasi, atau isian formulir). Versi yang ditandatangani tetap utuh, tetapi tampilan dokumen sekarang dapat berbeda dari yang ditandatangani.',
} as const;
export type VerificationNoteCode = keyof typeof verificationNotes;
export interface VerificationNote {
  code: VerificationNoteCode;
  description: string;
}

export const documentDescriptions: Readonly<Record<DocumentConclusion, string>> = {
  VALID: 'Semua tanda tangan sah: dokumen utuh sejak ditandatangani dan sertifikat penanda tangan tepercaya.',
  INVALID: 'Ada tanda tangan yang tidak sah: dokumen berubah setelah ditandatangani atau sertifikatnya tidak berlaku saat itu.',
  INDETERMINATE: 'Keabsahan tanda tangan belum dapat dipastikan; lihat catatan pada setiap tanda tangan.',
  NO_SIGNATURE: 'Dokumen tidak memiliki tanda tangan elektronik.',
};

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
}

export interface RevocationReport {
  /** At the signing time (the timestamp's time when there is one). */
  status: RevocationStatus;
  source: RevocationSource | null;
  /** When the status was established (OCSP producedAt, CRL thisUpdate, or the time of the lookup). */
  checkedAt: string | null;
  /** Set whenever the certificate is known to be revoked, also when that came after the signing time. */
  revokedAt?: string;
  revocationReason?: string;
}

export interface TimestampReport {
  time: string;
  tsaName: string | null;
  /** The token's imprint matches and its signature verifies. */
  valid: boolean;
  /** Its TSA certificate chains to a trust anchor. */
  trusted: boolean;
}

export interface SignatureReport {
  fieldName: string | null;
  signerName: string | null;
  /** The time the signer states (/M, else the CMS signing-time); the timestamp proves its own. */
  signingTime: string | null;
  reason: string | null;
  location: string | null;
  /** Literally, as pdfsig prints it: the byte range reaches the end of the file. */
  coversWholeDocument: boolean;
  /** What the revisions after the signed range add; null when the byte range is unreadable. */
  changesAfter: ChangesAfter | null;
  integrityValid: boolean;
  certificateTrusted: boolean;
  revocation: RevocationReport;
  timestamp: TimestampReport | null;
  level: PadesLevel;
  ltv: boolean;
  conclusion: SignatureConclusion;
  subFilter: string | null;
  certificate: CertificateSummary | null;
  notes: VerificationNote[];
}

export interface DocumentTimestampReport {
  fieldName: string | null;
  time: string | null;
  tsaName: string | null;
  coversWholeDocument: boolean;
  changesAfter: ChangesAfter | null;
  integrityValid: boolean;
  certificateTrusted: boolean;
  notes: VerificationNote[];
}

export interface PdfVerificationReport {
  conclusion: DocumentConclusion;
  description: string;
  signatures: SignatureReport[];
  documentTimestamps: DocumentTimestampReport[];
}

export interface PdfVerificationDeps {
  /** DER of the CA certificates trusted as chain ends (the service's own CA). */
  trustAnchors: readonly Uint8Array[];
  /**
   * The live status of a certificate a trust anchor issued directly, by serial (lowercase hex of
   * the INTEGER's content octets): the service's own records. Asked when the DSS has no usable
   * revocation data, and to report a revocation that came after the signing time.
   */
  liveStatus?: (serialNumber: string) => Promise<CertificateStatusAnswer>;
  clock: Clock;
  /** Told where the time went, once per verification (the bench prints it). */
  measure?: (phases: Readonly<Record<VerificationPhase, number>>) => void;
}

/**
 * The parts of a verification, in milliseconds summed over the document: reading the file and its
 * signature fields, parsing CMS and the DSS, hashing the byte ranges, checking signatures,
 * timestamps (document timestamps hash their byte ranges here too), chains, revocation (the
 * service's records included; signatures wait for them side by side, so their sum may exceed the
 * wall time), and comparing each signed revision with the file (what was added after it).
 */
export type VerificationPhase = 'read' | 'parse' | 'hash' | 'signature' | 'timestamp' | 'chain' | 'revocation' | 'revisions';

class Phases {
  readonly totals: Record<VerificationPhase, number> = { read: 0, parse: 0, hash: 0, signature: 0, timestamp: 0, chain: 0, revocation: 0, revisions: 0 };

  time<T>(phase: VerificationPhase, action: () => T): T {
    const started = performance.now();
    try {
      return action();
    } finally {
      this.totals[phase] += performance.now() - started;
    }
  }

  async wait<T>(phase: VerificationPhase, action: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await action();
    } finally {
      this.totals[phase] += performance.now() - started;
    }
  }
}

// ---- Algorithms -------------------------------------------------------------------------------

const DIGESTS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

type Scheme = 'ecdsa' | 'rsa' | 'rsa-pss' | 'eddsa';
/** Signature algorithms: those naming their hash, and bare key algorithms that take the SignerInfo's digest. */
const SIGNATURES: Readonly<Record<string, { scheme: Scheme; hash?: string }>> = {
  '1.2.840.10045.2.1': { scheme: 'ecdsa' },
  '1.2.840.10045.4.1': { scheme: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { scheme: 'ecdsa', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { scheme: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { scheme: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { scheme: 'ecdsa', hash: 'sha512' },
  '1.2.840.113549.1.1.1': { scheme: 'rsa' },
  '1.2.840.113549.1.1.5': { scheme: 'rsa', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { scheme: 'rsa', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { scheme: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { scheme: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { scheme: 'rsa', hash: 'sha512' },
  '1.2.840.113549.1.1.10': { scheme: 'rsa-pss' },
  '1.3.101.112': { scheme: 'eddsa' },
  '1.3.101.113': { scheme: 'eddsa' },
};

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimestamp: '1.2.840.113549.1.9.16.2.14',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  extKeyUsage: '2.5.29.37',
  crlReason: '2.5.29.21',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

/** RFC 5280 CRLReason names, by code. */
const CRL_REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', undefined, 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise'] as const;

type Check = { ok: true } | { ok: false; note: VerificationNoteCode };
const fail = (note: VerificationNoteCode): Check => ({ ok: false, note });
const OK: Check = { ok: true };

/**
 * One signature check through node:crypto. The hash comes from the algorithm when it names one,
 * else from the caller (the SignerInfo's digestAlgorithm); `data` is either the signed bytes or
 * the pieces to stream (a PDF's byte ranges, never joined into a copy).
 */
function checkSignature(
  algorithm: pkijs.AlgorithmIdentifier,
  digestName: string | undefined,
  key: KeyObject,
  data: Uint8Array | readonly Uint8Array[],
  signature: Uint8Array,
): Check {
  const known = SIGNATURES[algorithm.algorithmId];
  if (!known) return fail('FORMAT_UNSUPPORTED');
  let hash = known.hash ?? digestName;
  let options: { padding?: number; saltLength?: number } = {};
  if (known.scheme === 'rsa-pss') {
    try {
      const parameters = new pkijs.RSASSAPSSParams({ schema: algorithm.algorithmParams });
      hash = DIGESTS[parameters.hashAlgorithm.algorithmId];
      options = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: parameters.saltLength };
    } catch {
      return fail('FORMAT_UNSUPPORTED');
    }
  } else if (known.scheme === 'rsa') {
    options = { padding: constants.RSA_PKCS1_PADDING };
  }
  const pieces = data instanceof Uint8Array ? [data] : data;
  try {
    if (known.scheme === 'eddsa') {
      // EdDSA hashes internally and signs the message itself, which must then be one piece.
      return verifySignature(null, pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces), key, signature) ? OK : fail('SIGNATURE_INVALID');
    }
    if (!hash) return fail('FORMAT_UNSUPPORTED');
    const verifier = createVerify(hash);
    for (const piece of pieces) verifier.update(piece);
    return verifier.verify({ key, ...options }, signature) ? OK : fail('SIGNATURE_INVALID');
  } catch {
    // A key that does not fit the algorithm (an RSA signature under an EC key) is a failed check.
    return fail('SIGNATURE_INVALID');
  }
}

// ---- Certificates -----------------------------------------------------------------------------

interface Cert {
  der: Uint8Array;
  fingerprint: string;
  x509: X509Certificate;
  parsed: pkijs.Certificate;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  commonName: string | null;
}

const hexOf = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');

function commonNameOf(name: pkijs.RelativeDistinguishedNames): string | null {
  const attribute = name.typesAndValues.find((entry) => entry.type === OID.commonName);
  const value = (attribute?.value as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  return typeof value === 'string' ? value : null;
}

/** Node prints a name one attribute per line; the report reads better on one. */
const oneLine = (name: string) => name.split('\n').filter(Boolean).join(', ');

function summary(cert: Cert): CertificateSummary {
  return {
    subject: oneLine(cert.x509.subject),
    issuer: oneLine(cert.x509.issuer),
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
  };
}

const within = (cert: Cert, at: Date) => cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime();

function hasExtendedKeyUsage(cert: Cert, purpose: string): boolean {
  const extension = cert.parsed.extensions?.find((entry) => entry.extnID === OID.extKeyUsage);
  return extension?.parsedValue instanceof pkijs.ExtKeyUsage && extension.parsedValue.keyPurposes.includes(purpose);
}

/**
 * Every certificate met in one verification (CMS sets, timestamp tokens, the DSS, the trust
 * anchors), parsed once, with issuer checks remembered: eight signatures by one signer cost one
 * chain check.
 */
class CertificatePool {
  private readonly byFingerprint = new Map<string, Cert>();
  private readonly issued = new Map<string, boolean>();
  private readonly anchors: Cert[];
  readonly documentCertificates = new Set<Cert>();

  constructor(anchors: readonly Uint8Array[]) {
    this.anchors = anchors.map((der) => this.add(der)).filter((cert): cert is Cert => cert !== undefined);
  }

  /** Parses and remembers a certificate; undefined for bytes that are not one. */
  add(der: Uint8Array, fromDocument = false): Cert | undefined {
    const fingerprint = createHash('sha256').update(der).digest('hex');
    let cert = this.byFingerprint.get(fingerprint);
    if (!cert) {
      try {
        const x509 = new X509Certificate(der);
        const parsed = pkijs.Certificate.fromBER(der);
        cert = {
          der, fingerprint, x509, parsed,
          serialNumber: hexOf(parsed.serialNumber.valueBlock.valueHexView),
          notBefore: parsed.notBefore.value,
          notAfter: parsed.notAfter.value,
          commonName: commonNameOf(parsed.subject),
        };
      } catch {
        return undefined;
      }
      this.byFingerprint.set(fingerprint, cert);
    }
    if (fromDocument) this.documentCertificates.add(cert);
    return cert;
  }

  isAnchor(cert: Cert): boolean {
    return this.anchors.includes(cert);
  }

  /** `issuer` named `subject` as its subject's issuer and signed it. */
  issuedBy(subject: Cert, issuer: Cert): boolean {
    const key = `${subject.fingerprint}:${issuer.fingerprint}`;
    let answer = this.issued.get(key);
    if (answer === undefined) {
      try {
        answer = subject.x509.checkIssued(issuer.x509) && subject.x509.verify(issuer.x509.publicKey);
      } catch {
        answer = false;
      }
      this.issued.set(key, answer);
    }
    return answer;
  }

  /**
   * The chain from `leaf` up: trusted when it reaches a trust anchor (anchors are tried first, so
   * a copy of the CA certificate in the file changes nothing). Only certificates marked as CAs sit
   * above the leaf. `complete` says whether the document's own certificates alone reach a root or
   * an anchor (what long-term validation needs).
   */
  chain(leaf: Cert): { trusted: boolean; path: Cert[]; issuer: Cert | undefined; complete: boolean } {
    const path = [leaf];
    let current = leaf;
    for (let depth = 0; depth < 8; depth += 1) {
      if (this.isAnchor(current)) return { trusted: true, path, issuer: path[1], complete: true };
      const anchor = this.anchors.find((candidate) => this.issuedBy(current, candidate));
      if (anchor) {
        path.push(anchor);
        return { trusted: true, path, issuer: path[1], complete: this.documentCertificates.has(anchor) };
      }
      const next = [...this.documentCertificates].find((candidate) => candidate !== current && candidate.x509.ca && this.issuedBy(current, candidate));
      if (!next) break;
      path.push(next);
      current = next;
    }
    const top = path[path.length - 1]!;
    return { trusted: false, path, issuer: path[1], complete: top.x509.checkIssued(top.x509) };
  }
}

// ---- CMS --------------------------------------------------------------------------------------

interface SignedCms {
  signerInfo: pkijs.SignerInfo;
  /** The signature timestamp token (id-aa-signatureTimeStampToken) as encoded, if any. */
  timestampToken: Uint8Array | undefined;
  encapContentInfo: pkijs.EncapsulatedContentInfo;
  certificates: Cert[];
}

const SIGNED_DATA_OID_DER = Buffer.from('06092a864886f70d010702', 'hex');
const SIGNATURE_TIMESTAMP_OID_DER = Buffer.from('060b2a864886f70d010910020e', 'hex');
const asn1Of = (der: Uint8Array) => {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new DerError(parsed.result.error || 'Undecodable BER');
  return parsed.result;
};

/**
 * A ContentInfo of SignedData with exactly one signer, as PAdES and RFC 3161 have; undefined
 * when it is not one. DER (what signers send) is split with the framing reader and pkijs parses
 * only the parts read: the certificates stay bytes (most are the same certificates again, parsed
 * once per verification), and the timestamp token inside the SignerInfo is cut out whole rather
 * than parsed and re-encoded: for a 4 MB file of 8 signatures, ~40 ms of ASN.1 parsing instead of
 * ~200 ms. BER (indefinite lengths) takes pkijs's whole-structure path.
 */
function readSignedData(der: Uint8Array, pool: CertificatePool): SignedCms | undefined {
  let parts: ReturnType<typeof frameSignedData> | ReturnType<typeof parseSignedData>;
  try {
    parts = frameSignedData(der);
  } catch (error) {
    if (!(error instanceof DerError)) return undefined;
    try {
      parts = parseSignedData(der);
    } catch {
      return undefined;
    }
  }
  if (!parts) return undefined;
  const certificates = parts.certificates.map((certificate) => pool.add(certificate, true)).filter((cert): cert is Cert => cert !== undefined);
  return { ...parts, certificates };
}

type SignedDataParts = Omit<SignedCms, 'certificates'> & { certificates: Uint8Array[] };

/** SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos SET } */
function frameSignedData(der: Uint8Array): SignedDataParts | undefined {
  // The zero padding of /Contents follows the element: readElement stops at its end.
  const [contentType, content] = readChildren(readElement(der));
  if (!contentType || !content || !Buffer.from(contentType.bytes).equals(SIGNED_DATA_OID_DER) || content.tag !== TAG.CONTEXT_0) return undefined;
  const signedData = readChildren(readSingle(content.contents));
  const encapsulated = signedData[2];
  const signerInfos = signedData[signedData.length - 1];
  if (!encapsulated || encapsulated.tag !== TAG.SEQUENCE || signerInfos?.tag !== 0x31) return undefined;
  const [signerInfo, ...others] = readChildren(signerInfos);
  if (!signerInfo || others.length > 0) return undefined;
  const certificateSet = signedData.find((element) => element.tag === TAG.CONTEXT_0);
  const certificates = certificateSet ? readChildren(certificateSet).filter((element) => element.tag === TAG.SEQUENCE).map((element) => element.bytes) : [];
  // SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature, [1] unsignedAttrs }
  const signerParts = readChildren(signerInfo);
  const unsigned = signerParts.find((element) => element.tag === 0xa1);
  let timestampToken: Uint8Array | undefined;
  for (const attribute of unsigned ? readChildren(unsigned) : []) {
    const [type, values] = readChildren(attribute);
    if (type && values && Buffer.from(type.bytes).equals(SIGNATURE_TIMESTAMP_OID_DER)) timestampToken = readChildren(values)[0]?.bytes;
  }
  const signed = unsigned ? tlv(TAG.SEQUENCE, signerParts.filter((element) => element !== unsigned).map((element) => element.bytes)) : signerInfo.bytes;
  return {
    signerInfo: new pkijs.SignerInfo({ schema: asn1Of(signed) }),
    timestampToken,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ schema: asn1Of(encapsulated.bytes) }),
    certificates,
  };
}

/** The same through pkijs's whole-structure parse, for BER. */
function parseSignedData(der: Uint8Array): SignedDataParts | undefined {
  const asn1 = asn1Of(der);
  const contentInfo = new pkijs.ContentInfo({ schema: asn1 });
  if (contentInfo.contentType !== OID.signedData) return undefined;
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  const [signerInfo] = signedData.signerInfos;
  if (!signerInfo || signedData.signerInfos.length !== 1) return undefined;
  const token = signerInfo.unsignedAttrs?.attributes.find((attribute) => attribute.type === OID.signatureTimestamp)?.values[0] as asn1js.BaseBlock | undefined;
  const set = (contentInfo.content as asn1js.Sequence).valueBlock.value.find((element) => element.idBlock.tagClass === 3 && element.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
  return {
    signerInfo,
    timestampToken: token ? new Uint8Array(token.valueBeforeDecodeView) : undefined,
    encapContentInfo: signedData.encapContentInfo,
    // As encoded, never re-encoded.
    certificates: (set?.valueBlock.value ?? []).filter((element) => element.idBlock.tagClass === 1 && element.idBlock.tagNumber === 16).map((element) => new Uint8Array(element.valueBeforeDecodeView)),
  };
}

function signerCertificate(signerInfo: pkijs.SignerInfo, certificates: readonly Cert[]): Cert | undefined {
  const sid = signerInfo.sid as unknown;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    const serial = hexOf(sid.serialNumber.valueBlock.valueHexView);
    return certificates.find((cert) => cert.serialNumber === serial && cert.parsed.issuer.isEqual(sid.issuer));
  }
  // [0] SubjectKeyIdentifier
  const keyId = hexOf((sid as asn1js.Primitive).valueBlock.valueHexView);
  return certificates.find((cert) => {
    const extension = cert.parsed.extensions?.find((entry) => entry.extnID === OID.subjectKeyIdentifier);
    return extension?.parsedValue instanceof asn1js.OctetString && hexOf(extension.parsedValue.valueBlock.valueHexView) === keyId;
  });
}

const attributeOf = (signerInfo: pkijs.SignerInfo, type: string) => signerInfo.signedAttrs?.attributes.find((attribute) => attribute.type === type);

/**
 * ESS signing-certificate(-v2): when present, its first entry must name the signer's certificate
 * by hash, so a certificate swapped into the CMS (same key, other name) is caught.
 */
function checkSigningCertificate(signerInfo: pkijs.SignerInfo, signer: Cert): Check {
  const v2 = attributeOf(signerInfo, OID.signingCertificateV2);
  const v1 = attributeOf(signerInfo, OID.signingCertificate);
  const attribute = v2 ?? v1;
  if (!attribute) return OK;
  try {
    const certs = (attribute.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const first = (certs.valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
    let hash = v2 ? 'sha256' : 'sha1';
    let index = 0;
    if (v2 && first[0] instanceof asn1js.Sequence) {
      hash = DIGESTS[new pkijs.AlgorithmIdentifier({ schema: first[0] }).algorithmId] ?? '';
      index = 1;
    }
    const certHash = first[index];
    if (!hash || !(certHash instanceof asn1js.OctetString)) return fail('SIGNATURE_DATA_INVALID');
    return hexOf(certHash.valueBlock.valueHexView) === createHash(hash).update(signer.der).digest('hex') ? OK : fail('SIGNING_CERTIFICATE_MISMATCH');
  } catch {
    return fail('SIGNATURE_DATA_INVALID');
  }
}

/**
 * A SignerInfo over some content: the messageDigest attribute against the content's digest, the
 * ESS certificate reference, and the signature over the signed attributes (or, without them, over
 * the content itself). `digestOf` hashes the content with the SignerInfo's algorithm.
 */
function checkSignerInfo(
  signerInfo: pkijs.SignerInfo,
  signer: Cert,
  content: { digestOf(hash: string): Buffer; pieces: readonly Uint8Array[] },
): Check & { weak: boolean } {
  const digestName = DIGESTS[signerInfo.digestAlgorithm.algorithmId];
  if (!digestName) return { ...fail('FORMAT_UNSUPPORTED'), weak: false };
  const weak = digestName === 'sha1' || SIGNATURES[signerInfo.signatureAlgorithm.algorithmId]?.hash === 'sha1';
  const signature = signerInfo.signature.valueBlock.valueHexView;
  if (!signerInfo.signedAttrs) {
    return { ...checkSignature(signerInfo.signatureAlgorithm, digestName, signer.x509.publicKey, content.pieces, signature), weak };
  }
  const messageDigest = attributeOf(signerInfo, OID.messageDigest)?.values[0];
  if (!(messageDigest instanceof asn1js.OctetString)) return { ...fail('SIGNATURE_DATA_INVALID'), weak };
  if (!content.digestOf(digestName).equals(Buffer.from(messageDigest.valueBlock.valueHexView))) return { ...fail('DIGEST_MISMATCH'), weak };
  const essCheck = checkSigningCertificate(signerInfo, signer);
  if (!essCheck.ok) return { ...essCheck, weak };
  // pkijs keeps the attributes as encoded, retagged as the SET OF that was signed.
  const signedAttributes = new Uint8Array(signerInfo.signedAttrs.encodedValue);
  return { ...checkSignature(signerInfo.signatureAlgorithm, digestName, signer.x509.publicKey, signedAttributes, signature), weak };
}

// ---- Timestamps -------------------------------------------------------------------------------

interface TimestampCheck {
  genTime: Date | null;
  tsaName: string | null;
  /** The imprint matches and the token's signature verifies. */
  valid: boolean;
  trusted: boolean;
  tsa: Cert | undefined;
  notes: VerificationNoteCode[];
}

/** An RFC 3161 token over `pieces` (a signature value, or a document's byte ranges). */
function checkTimestampToken(token: Uint8Array, pieces: readonly Uint8Array[], pool: CertificatePool): TimestampCheck {
  const invalid = (genTime: Date | null = null, tsaName: string | null = null): TimestampCheck => ({ genTime, tsaName, valid: false, trusted: false, tsa: undefined, notes: ['TIMESTAMP_INVALID'] });
  const cms = readSignedData(token, pool);
  const eContent = cms?.encapContentInfo;
  if (!cms || eContent?.eContentType !== OID.tstInfo || !eContent.eContent) return invalid();
  let info: pkijs.TSTInfo;
  let tstInfoDer: Uint8Array;
  try {
    tstInfoDer = new Uint8Array(eContent.eContent.getValue());
    info = pkijs.TSTInfo.fromBER(tstInfoDer);
  } catch {
    return invalid();
  }
  const tsa = signerCertificate(cms.signerInfo, cms.certificates) ?? signerCertificate(cms.signerInfo, [...pool.documentCertificates]);
  const named = info.tsa?.type === 4 ? commonNameOf(info.tsa.value as pkijs.RelativeDistinguishedNames) : null;
  const tsaName = named ?? tsa?.commonName ?? null;
  const imprintHash = DIGESTS[info.messageImprint.hashAlgorithm.algorithmId];
  if (!imprintHash || !tsa) return invalid(info.genTime, tsaName);
  const imprint = createHash(imprintHash);
  for (const piece of pieces) imprint.update(piece);
  if (!imprint.digest().equals(Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView))) return invalid(info.genTime, tsaName);
  const signed = checkSignerInfo(cms.signerInfo, tsa, { digestOf: (hash) => createHash(hash).update(tstInfoDer).digest(), pieces: [tstInfoDer] });
  if (!signed.ok) return invalid(info.genTime, tsaName);
  const chain = pool.chain(tsa);
  // A TSA is trusted for time only with the timeStamping purpose, in its validity at genTime.
  const trusted = chain.trusted && hasExtendedKeyUsage(tsa, OID.timeStamping) && chain.path.every((cert) => within(cert, info.genTime));
  return { genTime: info.genTime, tsaName, valid: true, trusted, tsa, notes: trusted ? [] : ['TIMESTAMP_UNTRUSTED'] };
}

// ---- Revocation data (DSS) --------------------------------------------------------------------

interface OcspAnswer {
  serialNumber: string;
  status: RevocationStatus;
  revokedAt?: Date;
  reason?: string;
  thisUpdate: Date;
  nextUpdate?: Date;
}

interface DssOcsp {
  basic: pkijs.BasicOCSPResponse;
  producedAt: Date;
  answers: OcspAnswer[];
  responders: Cert[];
}

interface DssCrl {
  crl: pkijs.CertificateRevocationList;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: Map<string, { at: Date; reason?: string }>;
}

interface ValidationData {
  ocsps: DssOcsp[];
  crls: DssCrl[];
}

function crlReason(extensions: pkijs.Extensions | undefined): string | undefined {
  const extension = extensions?.extensions.find((entry) => entry.extnID === OID.crlReason);
  const code = (extension?.parsedValue as asn1js.Enumerated | undefined)?.valueBlock.valueDec;
  return code === undefined ? undefined : CRL_REASONS[code];
}

function readOcsp(der: Uint8Array, pool: CertificatePool): DssOcsp | undefined {
  try {
    const response = pkijs.OCSPResponse.fromBER(der);
    if (response.responseStatus.valueBlock.valueDec !== 0 || response.responseBytes?.responseType !== OID.ocspBasic) return undefined;
    const basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView);
    const answers = basic.tbsResponseData.responses.map((single): OcspAnswer => {
      const status = single.certStatus as asn1js.BaseBlock;
      const base = { serialNumber: hexOf(single.certID.serialNumber.valueBlock.valueHexView), thisUpdate: single.thisUpdate, ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}) };
      if (status.idBlock.tagNumber === 0) return { ...base, status: 'good' };
      if (status.idBlock.tagNumber !== 1) return { ...base, status: 'unknown' };
      // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
      const [time, reason] = (status as asn1js.Constructed).valueBlock.value;
      const code = ((reason as asn1js.Constructed | undefined)?.valueBlock.value[0] as asn1js.Enumerated | undefined)?.valueBlock.valueDec;
      return { ...base, status: 'revoked', revokedAt: (time as asn1js.GeneralizedTime).toDate(), ...(code === undefined ? {} : { reason: CRL_REASONS[code] }) };
    });
    const responders = (basic.certs ?? []).map((cert) => pool.add(new Uint8Array(cert.toSchema().toBER()), true)).filter((cert): cert is Cert => cert !== undefined);
    return { basic, producedAt: basic.tbsResponseData.producedAt, answers, responders };
  } catch {
    return undefined;
  }
}

function readCrl(der: Uint8Array): DssCrl | undefined {
  try {
    const crl = pkijs.CertificateRevocationList.fromBER(der);
    const revoked = new Map<string, { at: Date; reason?: string }>();
    for (const entry of crl.revokedCertificates ?? []) {
      const reason = crlReason(entry.crlEntryExtensions);
      revoked.set(hexOf(entry.userCertificate.valueBlock.valueHexView), { at: entry.revocationDate.value, ...(reason ? { reason } : {}) });
    }
    return { crl, thisUpdate: crl.thisUpdate.value, ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.value } : {}), revoked };
  } catch {
    return undefined;
  }
}

/** The DSS's certificates, OCSP responses and CRLs (each stream decoded once). */
function readDss(document: PDF, pool: CertificatePool): ValidationData {
  const resolve = (ref: PdfRef) => document.context.resolve(ref);
  const dss = document.getCatalog().getDict('DSS', resolve);
  const streams = (key: string): Uint8Array[] => (dss?.getArray(key, resolve)?.toArray() ?? []).flatMap((item) => {
    const stream = item instanceof PdfRef ? resolve(item) : item;
    if (!(stream instanceof PdfStream)) return [];
    try {
      return [stream.getDecodedData()];
    } catch {
      return [];
    }
  });
  for (const der of streams('Certs')) pool.add(der, true);
  return {
    ocsps: streams('OCSPs').map((der) => readOcsp(der, pool)).filter((ocsp): ocsp is DssOcsp => ocsp !== undefined),
    crls: streams('CRLs').map(readCrl).filter((crl): crl is DssCrl => crl !== undefined),
  };
}

/** Verification results of revocation data by signer, so eight signatures check a CRL once. */
class RevocationData {
  private readonly verified = new Map<object, Map<string, boolean>>();

  constructor(readonly data: ValidationData, private readonly pool: CertificatePool) {}

  private remember(item: object, issuer: Cert, check: () => boolean): boolean {
    let byIssuer = this.verified.get(item);
    if (!byIssuer) this.verified.set(item, (byIssuer = new Map()));
    let answer = byIssuer.get(issuer.fingerprint);
    if (answer === undefined) byIssuer.set(issuer.fingerprint, (answer = check()));
    return answer;
  }

  /** OCSP answers about `cert` signed by its issuer or by a responder the issuer delegated to. */
  ocspFor(cert: Cert, issuer: Cert): { ocsp: DssOcsp; answer: OcspAnswer }[] {
    return this.data.ocsps.flatMap((ocsp) => {
      const answer = ocsp.answers.find((candidate) => candidate.serialNumber === cert.serialNumber);
      if (!answer) return [];
      const signedBy = (key: KeyObject) => checkSignature(ocsp.basic.signatureAlgorithm, undefined, key, ocsp.basic.tbsResponseData.tbsView, ocsp.basic.signature.valueBlock.valueHexView).ok;
      const authentic = this.remember(ocsp, issuer, () => signedBy(issuer.x509.publicKey)
        || ocsp.responders.some((responder) => this.pool.issuedBy(responder, issuer) && hasExtendedKeyUsage(responder, OID.ocspSigning) && signedBy(responder.x509.publicKey)));
      return authentic ? [{ ocsp, answer }] : [];
    });
  }

  /** CRLs the certificate's issuer signed. */
  crlsFor(cert: Cert, issuer: Cert): DssCrl[] {
    return this.data.crls.filter((crl) => crl.crl.issuer.isEqual(cert.parsed.issuer)
      && this.remember(crl, issuer, () => checkSignature(crl.crl.signatureAlgorithm, undefined, issuer.x509.publicKey, crl.crl.tbsView, crl.crl.signatureValue.valueBlock.valueHexView).ok));
  }

  /** Whether the DSS holds revocation data for this certificate at all (long-term validation). */
  covers(cert: Cert, issuer: Cert | undefined): boolean {
    return issuer !== undefined && (this.ocspFor(cert, issuer).length > 0 || this.crlsFor(cert, issuer).length > 0);
  }
}

/** Status at `at` from the DSS: a revocation anywhere wins; "good" only from data that speaks for that time. */
function statusFromDss(data: RevocationData, cert: Cert, issuer: Cert, at: Date): RevocationReport | undefined {
  const time = at.getTime();
  for (const { ocsp, answer } of data.ocspFor(cert, issuer)) {
    if (answer.status === 'revoked' && answer.revokedAt) {
      return {
        status: answer.revokedAt.getTime() <= time ? 'revoked' : 'good', source: 'DSS_OCSP', checkedAt: ocsp.producedAt.toISOString(),
        revokedAt: answer.revokedAt.toISOString(), ...(answer.reason ? { revocationReason: answer.reason } : {}),
      };
    }
  }
  for (const crl of data.crlsFor(cert, issuer)) {
    const entry = crl.revoked.get(cert.serialNumber);
    if (entry) {
      return {
        status: entry.at.getTime() <= time ? 'revoked' : 'good', source: 'DSS_CRL', checkedAt: crl.thisUpdate.toISOString(),
        revokedAt: entry.at.toISOString(), ...(entry.reason ? { revocationReason: entry.reason } : {}),
      };
    }
  }
  // Not revoked as of a response made after the signing time, or current at it.
  const speaksFor = (from: Date, issued: Date, until: Date | undefined) => issued.getTime() >= time || (from.getTime() <= time && (!until || time <= until.getTime()));
  const good = data.ocspFor(cert, issuer).find(({ ocsp, answer }) => answer.status === 'good' && speaksFor(answer.thisUpdate, ocsp.producedAt, answer.nextUpdate));
  if (good) return { status: 'good', source: 'DSS_OCSP', checkedAt: good.ocsp.producedAt.toISOString() };
  const crl = data.crlsFor(cert, issuer).find((candidate) => speaksFor(candidate.thisUpdate, candidate.thisUpdate, candidate.nextUpdate));
  if (crl) return { status: 'good', source: 'DSS_CRL', checkedAt: crl.thisUpdate.toISOString() };
  return undefined;
}

// ---- The document -----------------------------------------------------------------------------

interface SignatureEntry {
  fieldName: string | null;
  dict: PdfDict;
  subFilter: string | null;
  isDocumentTimestamp: boolean;
  /** [offset, length, offset, length] */
  byteRange: number[] | null;
  contents: Uint8Array | null;
  end: number;
  holeStart: number;
}

/** %PDF- within the first KB, as readers accept it. */
const startsWithPdfHeader = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(1024, bytes.byteLength)).includes('%PDF-');

async function openPdf(bytes: Uint8Array): Promise<PDF> {
  if (!startsWithPdfHeader(bytes)) throw new AppError('PDF_INVALID');
  let document: PDF;
  try {
    document = await PDF.load(bytes);
  } catch (error) {
    throw new AppError('PDF_INVALID', [], { internal: (error as Error).message });
  }
  // A file readable only by rebuilding it is not the file that was signed.
  if (document.recoveredViaBruteForce) throw new AppError('PDF_INVALID', [], { internal: 'recovered by brute force' });
  return document;
}

const HEX = /^[0-9A-Fa-f]*$/;

/**
 * The signature's /ByteRange as four whole numbers, and /Contents read from the hole between its
 * two ranges (the bytes the signature does not cover must be exactly the hex string there; a
 * dictionary naming another place for /Contents is caught by comparing the two).
 */
function readEntry(bytes: Uint8Array, document: PDF, fieldName: string | null, dict: PdfDict): SignatureEntry {
  const resolve = (ref: PdfRef) => document.context.resolve(ref);
  const subFilter = dict.getName('SubFilter', resolve)?.value ?? null;
  const type = dict.getName('Type', resolve)?.value;
  const entry: SignatureEntry = {
    fieldName, dict, subFilter, isDocumentTimestamp: subFilter === 'ETSI.RFC3161' || type === 'DocTimeStamp', byteRange: null, contents: null, end: 0, holeStart: 0,
  };
  const values = dict.getArray('ByteRange', resolve)?.toArray().map((item: PdfObject) => (item instanceof PdfRef ? resolve(item) : item));
  if (!values || values.length !== 4 || !values.every((value) => value instanceof PdfNumber && value.isInteger() && value.value >= 0)) return entry;
  const [start, firstLength, second, secondLength] = (values as PdfNumber[]).map((value) => value.value) as [number, number, number, number];
  entry.end = second + secondLength;
  entry.holeStart = firstLength;
  if (start !== 0 || firstLength < 1 || second <= firstLength + 1 || entry.end > bytes.byteLength) return entry;
  if (bytes[firstLength] !== 0x3c || bytes[second - 1] !== 0x3e) return entry; // < and >
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset + firstLength + 1, second - firstLength - 2).toString('latin1');
  if (hex.length % 2 !== 0 || !HEX.test(hex)) return entry;
  const contents = new Uint8Array(Buffer.from(hex, 'hex'));
  // Strings of an encrypted file come back decrypted (or not at all); the hole is authoritative there.
  if (!document.isEncrypted) {
    const stated = dict.getString('Contents', resolve);
    if (!stated || !Buffer.from(stated.bytes).equals(contents)) return entry;
  }
  entry.byteRange = [start, firstLength, second, secondLength];
  entry.contents = contents;
  return entry;
}

/** The two covered ranges as views of the file: hashed in place, never copied. */
const coveredPieces = (bytes: Uint8Array, [start, length, second, secondLength]: number[]): Uint8Array[] =>
  [bytes.subarray(start!, start! + length!), bytes.subarray(second!, second! + secondLength!)];

function hashPieces(pieces: readonly Uint8Array[], hash: string): Buffer {
  const digest = createHash(hash);
  for (const piece of pieces) digest.update(piece);
  return digest.digest();
}

/** D:YYYYMMDDHHmmSSOHH'mm' (PDF 32000-1 §7.9.4); the parts after the year are optional. */
export function parsePdfDate(text: string): Date | null {
  const match = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz])|([+-])(\d{2})'?(\d{2})?'?)?/.exec(text.trim());
  if (!match) return null;
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', , sign, offsetHours = '00', offsetMinutes = '00'] = match;
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000 : 0;
  const date = new Date(utc - offset);
  return Number.isFinite(date.getTime()) ? date : null;
}

// ---- What the revisions after a signature add ------------------------------------------------

/**
 * What the incremental revisions after a signed byte range add, from the least to the most
 * telling: nothing (the range reaches the end of the file); validation data (the DSS and its
 * streams, document timestamps); other signatures (their fields, widgets, signature dictionaries
 * and appearances, which DocMDP P=2/3 and Adobe allow after a signature); anything else (page
 * content, other annotations, form values, pages, resources...). PAdES B-LT and B-LTA always add
 * validation data after the signature, and a second signer a signature: `coversWholeDocument`
 * alone cannot tell those from a change of what the reader sees.
 */
export type ChangesAfter = 'NONE' | 'VALIDATION_DATA' | 'SIGNATURES' | 'OTHER';
const CHANGE_RANK: Readonly<Record<ChangesAfter, number>> = { NONE: 0, VALIDATION_DATA: 1, SIGNATURES: 2, OTHER: 3 };
const worse = (a: ChangesAfter, b: ChangesAfter): ChangesAfter => (CHANGE_RANK[b] > CHANGE_RANK[a] ? b : a);
/**
 * The class of a change that shows nothing by itself (/SigFlags, the catalog's /DSS pointer, the
 * document information's /ModDate, an update that changes no object): the least class that still
 * admits bytes after the range.
 */
const NEUTRAL: ChangesAfter = 'VALIDATION_DATA';

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength
  && ((a.buffer === b.buffer && a.byteOffset === b.byteOffset) || Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)));

/**
 * Two parsed values alike: references by number (what they point at is compared under its own
 * number), streams by their raw bytes. The signed revision is a view of the file's own buffer, so
 * a stream both read from the same place (a 4 MB scan) compares without reading its bytes.
 */
function sameValue(a: PdfObject | null | undefined, b: PdfObject | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.type !== b.type) return false;
  if (a instanceof PdfRef) return a.objectNumber === (b as PdfRef).objectNumber && a.generation === (b as PdfRef).generation;
  if (a instanceof PdfName || a instanceof PdfNumber || a instanceof PdfBool) return a.value === (b as typeof a).value;
  if (a instanceof PdfString) return sameBytes(a.bytes, (b as PdfString).bytes);
  if (a instanceof PdfArray) {
    const other = b as PdfArray;
    if (a.length !== other.length) return false;
    for (let index = 0; index < a.length; index += 1) if (!sameValue(a.at(index), other.at(index))) return false;
    return true;
  }
  if (a instanceof PdfDict) {
    const other = b as PdfDict;
    if (a.size !== other.size) return false;
    for (const [key, value] of a) if (!sameValue(value, other.get(key))) return false;
    return !(a instanceof PdfStream) || sameBytes(a.data, (b as PdfStream).data);
  }
  // null, or the raw bytes the library keeps as it found them
  return a.type === 'null' || ('bytes' in a && 'bytes' in b && sameBytes(a.bytes, b.bytes));
}

const deref = (revision: Revision, value: PdfObject | null | undefined): PdfObject | null => (value instanceof PdfRef ? revision.resolve(value) : value ?? null);
/** A dictionary's entry; undefined for anything that is not a dictionary. */
const entryOf = (value: PdfObject | null | undefined, key: string): PdfObject | undefined => (value instanceof PdfDict ? value.get(key) : undefined);

/** The keys whose values differ between two dictionaries (either may be absent). */
function changedKeys(before: PdfObject | null | undefined, after: PdfObject | null | undefined): string[] {
  const keys = new Set<string>();
  for (const dict of [before, after]) if (dict instanceof PdfDict) for (const key of dict.keys()) keys.add(key.value);
  return [...keys].filter((key) => !sameValue(entryOf(before, key), entryOf(after, key)));
}

/** One revision of the file as @libpdf/core reads it: the signed one, or the whole file. */
interface Revision {
  document: PDF;
  resolve: (ref: PdfRef) => PdfObject | null;
  /** One past the highest object number in its cross-reference sections. */
  size: number;
  /** The object under a number; null when the revision has none (not yet, or freed). */
  object(number: number): PdfObject | null;
}

function revisionOf(document: PDF): Revision {
  const resolve = (ref: PdfRef) => document.context.resolve(ref);
  const size = document.context.registry.nextObjectNumber;
  // By number alone: the library finds an object by its number (a generation other than 0 is rare
  // and read all the same), which is how a later revision replaces it.
  return { document, resolve, size, object: (number) => (number < size ? resolve(PdfRef.of(number, 0)) : null) };
}

/**
 * What a field or widget adds when it is a signature's: VALIDATION_DATA for a document timestamp,
 * SIGNATURES for a signature (signed or still empty, its /FT and /V inherited as fields inherit
 * them); undefined for anything else, an annotation of another kind with /FT /Sig, or a
 * "signature" widget with an action (/A, /AA), which can run script: more than a signature.
 */
function signatureField(revision: Revision, value: PdfObject | null | undefined): { kind: ChangesAfter; signed: boolean } | undefined {
  const dict = deref(revision, value);
  if (!(dict instanceof PdfDict) || dict.has('A') || dict.has('AA')) return undefined;
  const subtype = dict.getName('Subtype', revision.resolve)?.value;
  if (subtype !== undefined && subtype !== 'Widget') return undefined;
  let type: string | undefined;
  let signature: PdfObject | null = null;
  let node: PdfDict | undefined = dict;
  for (let depth = 0; node && depth < 16; depth += 1) {
    type ??= node.getName('FT', revision.resolve)?.value;
    signature ??= deref(revision, node.get('V'));
    node = node.getDict('Parent', revision.resolve);
  }
  if (type !== 'Sig') return undefined;
  const timestamp = signature instanceof PdfDict
    && (signature.getName('Type', revision.resolve)?.value === 'DocTimeStamp' || signature.getName('SubFilter', revision.resolve)?.value === 'ETSI.RFC3161');
  return { kind: timestamp ? 'VALIDATION_DATA' : 'SIGNATURES', signed: signature instanceof PdfDict };
}

const STRUCTURE = new Set(['Catalog', 'Pages', 'Page']);

/** The numbers of the objects the catalog's /DSS reaches (never into the page tree, whatever it points at). */
function validationObjects(revision: Revision): Set<number> {
  const found = new Set<number>();
  const pending: (PdfObject | undefined)[] = [revision.document.getCatalog().get('DSS')];
  while (pending.length > 0) {
    let value = pending.pop();
    if (value instanceof PdfRef) {
      if (found.has(value.objectNumber)) continue;
      const target = revision.resolve(value);
      if (!target || (target instanceof PdfDict && STRUCTURE.has(target.getName('Type')?.value ?? ''))) continue;
      found.add(value.objectNumber);
      value = target;
    }
    if (value instanceof PdfArray) pending.push(...value.toArray());
    else if (value instanceof PdfDict && !STRUCTURE.has(value.getName('Type')?.value ?? '')) for (const [, item] of value) pending.push(item);
  }
  return found;
}

/**
 * The numbers the trailer (the catalog, the document information) and every object reachable from
 * it refer to, freed ones included: all a reader can get to. An object outside it (a DSS a later
 * DSS replaced, a cross-reference or object stream) shows nothing, whatever it holds.
 */
function referencedObjects(revision: Revision): Set<number> {
  const found = new Set<number>();
  const pending: PdfObject[] = [revision.document.context.info.trailer];
  while (pending.length > 0) {
    const value = pending.pop()!;
    if (value instanceof PdfRef) {
      if (found.has(value.objectNumber)) continue;
      found.add(value.objectNumber);
      const target = revision.resolve(value);
      if (target) pending.push(target);
    } else if (value instanceof PdfArray) {
      pending.push(...value.toArray());
    } else if (value instanceof PdfDict) {
      for (const [, item] of value) pending.push(item);
    }
  }
  return found;
}

/** The objects of the whole file with a role whose changes are judged by what they change. */
interface Roles {
  catalog: number | undefined;
  info: number | undefined;
  acroForm: number | undefined;
  fields: number | undefined;
  pages: Set<number>;
  /** An indirect /Annots array's number, to its page's. */
  annots: Map<number, number>;
  validation: Set<number>;
  referenced: number[];
}

function rolesOf(revision: Revision): Roles {
  const trailer = revision.document.context.info.trailer;
  const catalog = revision.document.getCatalog();
  const acroForm = catalog.get('AcroForm');
  const fields = entryOf(deref(revision, acroForm), 'Fields');
  const pages = revision.document.context.pages.getPages();
  const annots = new Map<number, number>();
  for (const page of pages) {
    const list = entryOf(revision.resolve(page), 'Annots');
    if (list instanceof PdfRef) annots.set(list.objectNumber, page.objectNumber);
  }
  return {
    catalog: trailer.getRef('Root')?.objectNumber,
    info: trailer.getRef('Info')?.objectNumber,
    acroForm: acroForm instanceof PdfRef ? acroForm.objectNumber : undefined,
    fields: fields instanceof PdfRef ? fields.objectNumber : undefined,
    pages: new Set(pages.map((page) => page.objectNumber)),
    annots,
    validation: validationObjects(revision),
    referenced: [...referencedObjects(revision)],
  };
}

/**
 * Compares the signed revision with the whole file, object number by object number (the only
 * view of revisions @libpdf/core gives: it reads a file's cross-reference sections into one
 * table), over the objects a reader of the whole file can reach (anything else shows nothing),
 * and judges every object new, changed or freed since by its role:
 * - the catalog: only /DSS, /Extensions (the extension level a DSS declares) and /AcroForm as below;
 * - the AcroForm: /Fields gaining signature fields, /SigFlags, /NeedAppearances;
 * - a page, or its /Annots array: /Annots gaining signature widgets;
 * - the document information: /ModDate and /Producer, which signing tools (iText) update;
 * - new objects the DSS reaches, and existing ones that were already validation data;
 * - new objects a new signature field reaches (its widget, /V, /AP with its XObjects, fonts and
 *   images), or a field that was an empty signature field and is now signed; a document
 *   timestamp's count as validation data.
 * Anything else is OTHER, an object freed while something still refers to it included; so is a
 * catalog replaced.
 */
function compareRevisions(signed: Revision, full: Revision, roles: Roles): ChangesAfter {
  if (signed.document.context.info.trailer.getRef('Root')?.objectNumber !== roles.catalog) return 'OTHER';
  const changed = roles.referenced.filter((number) => !sameValue(signed.object(number), full.object(number)));
  if (changed.length === 0) return NEUTRAL;

  // A cross-reference or object stream holds no content of its own (the objects in an object
  // stream are judged under their own numbers), and a writer may give a later object the number a
  // cross-reference stream had (@libpdf/core has, for a DSS written right after a signature):
  // what takes such a number is new.
  const isNew = (number: number) => {
    const before = signed.object(number);
    const type = before instanceof PdfStream ? before.getName('Type')?.value : undefined;
    return before === null || type === 'XRef' || type === 'ObjStm';
  };
  const signedValidation = validationObjects(signed);
  // New objects explained by what reaches them; the least class first, so an object both a
  // document timestamp and a signature reach counts as validation data.
  const explained = new Map<number, ChangesAfter>();
  for (const number of roles.validation) if (isNew(number) || signedValidation.has(number)) explained.set(number, 'VALIDATION_DATA');
  const fields = changed.flatMap((number) => {
    const field = signatureField(full, full.object(number));
    if (!field) return [];
    // An existing field may only be the empty signature field it was, now signed.
    const before = isNew(number) ? undefined : signatureField(signed, signed.object(number));
    return isNew(number) || (before && !before.signed) ? [{ number, kind: field.kind }] : [];
  }).sort((a, b) => CHANGE_RANK[a.kind] - CHANGE_RANK[b.kind]);
  for (const { number, kind } of fields) {
    if (!explained.has(number)) explained.set(number, kind);
    const pending: (PdfObject | null | undefined)[] = [full.object(number)];
    while (pending.length > 0) {
      const value = pending.pop();
      if (value instanceof PdfRef) {
        // Only through new objects: what existed is judged under its own number.
        if (explained.has(value.objectNumber) || !isNew(value.objectNumber)) continue;
        explained.set(value.objectNumber, kind);
        pending.push(full.resolve(value));
      } else if (value instanceof PdfArray) {
        pending.push(...value.toArray());
      } else if (value instanceof PdfDict) {
        // Not up to the page or the parent field: they are the document's, not the signature's.
        for (const [key, item] of value) if (key.value !== 'P' && key.value !== 'Parent') pending.push(item);
      }
    }
  }

  /** An array that may only gain signature fields or widgets (and keeps every element it had). */
  const additions = (before: PdfObject | null, after: PdfObject | null): ChangesAfter => {
    if ((before !== null && !(before instanceof PdfArray)) || (after !== null && !(after instanceof PdfArray))) return 'OTHER';
    const remaining = after?.toArray() ?? [];
    for (const [index, item] of (before?.toArray() ?? []).entries()) {
      // Appended in the usual case: the element at the same place first.
      const found = sameValue(remaining[index], item) ? index : remaining.findIndex((candidate) => sameValue(candidate, item));
      if (found < 0) return 'OTHER';
      remaining[found] = PdfNull.instance;
    }
    return remaining.filter((item) => item !== PdfNull.instance)
      .reduce<ChangesAfter>((result, item) => worse(result, signatureField(full, item)?.kind ?? 'OTHER'), NEUTRAL);
  };
  const acroForm = (before: PdfObject | null, after: PdfObject | null): ChangesAfter => changedKeys(before, after).reduce<ChangesAfter>((result, key) => worse(result,
    key === 'Fields' ? additions(deref(signed, entryOf(before, 'Fields')), deref(full, entryOf(after, 'Fields')))
      : key === 'SigFlags' || key === 'NeedAppearances' ? NEUTRAL : 'OTHER'), NEUTRAL);
  const annotsOf = (revision: Revision, page: number) => deref(revision, entryOf(revision.object(page), 'Annots'));
  const acroFormOf = (revision: Revision) => deref(revision, revision.document.getCatalog().get('AcroForm'));
  const fieldsOf = (revision: Revision) => deref(revision, entryOf(acroFormOf(revision), 'Fields'));

  const judge = (number: number): ChangesAfter => {
    const before = signed.object(number);
    const after = full.object(number);
    if (number === roles.catalog) {
      return changedKeys(before, after).reduce<ChangesAfter>((result, key) => worse(result,
        key === 'DSS' || key === 'Extensions' ? NEUTRAL : key === 'AcroForm' ? acroForm(acroFormOf(signed), acroFormOf(full)) : 'OTHER'), NEUTRAL);
    }
    if (number === roles.acroForm) return acroForm(acroFormOf(signed), after);
    if (number === roles.fields) return additions(fieldsOf(signed), after);
    if (roles.pages.has(number)) {
      if (!(before instanceof PdfDict)) return 'OTHER';
      return changedKeys(before, after).reduce<ChangesAfter>((result, key) => worse(result, key === 'Annots' ? additions(annotsOf(signed, number), annotsOf(full, number)) : 'OTHER'), NEUTRAL);
    }
    const page = roles.annots.get(number);
    if (page !== undefined) return additions(annotsOf(signed, page), after);
    if (number === roles.info) {
      const info = deref(signed, signed.document.context.info.trailer.get('Info'));
      return changedKeys(info, after).every((key) => key === 'ModDate' || key === 'Producer') ? NEUTRAL : 'OTHER';
    }
    return explained.get(number) ?? 'OTHER';
  };

  let result = NEUTRAL;
  for (const number of changed) {
    result = worse(result, judge(number));
    if (result === 'OTHER') break;
  }
  return result;
}

/**
 * What was added after each signed range, by the range's end: each distinct signed revision is
 * read once (the file's first `end` bytes, as a PDF of its own), and the whole file's objects are
 * parsed once for all of them.
 */
class LaterRevisions {
  private readonly full: Revision;
  private roles: Roles | undefined;
  private readonly byEnd = new Map<number, Promise<ChangesAfter>>();

  constructor(private readonly bytes: Uint8Array, document: PDF) {
    this.full = revisionOf(document);
  }

  changesAfter(end: number): Promise<ChangesAfter> {
    if (end === this.bytes.byteLength) return Promise.resolve('NONE');
    let answer = this.byEnd.get(end);
    if (!answer) this.byEnd.set(end, (answer = this.classify(end)));
    return answer;
  }

  private async classify(end: number): Promise<ChangesAfter> {
    try {
      const signed = await PDF.load(this.bytes.subarray(0, end));
      // A signed range that is no revision readable on its own: what came after cannot be told apart.
      if (signed.recoveredViaBruteForce) return 'OTHER';
      this.roles ??= rolesOf(this.full);
      return compareRevisions(revisionOf(signed), this.full, this.roles);
    } catch {
      return 'OTHER';
    }
  }
}

const note = (code: VerificationNoteCode): VerificationNote => ({ code, description: verificationNotes[code] });
const unique = (codes: readonly VerificationNoteCode[]) => [...new Set(codes)].map(note);

interface DocumentTimestampCheck {
  entry: SignatureEntry;
  check: TimestampCheck;
  integrityValid: boolean;
}

/**
 * Verifies every signature of a PDF. Throws PDF_INVALID for bytes that are not a readable PDF;
 * anything wrong inside a signature is reported, not thrown.
 */
export async function verifyPdfSignatures(bytes: Uint8Array, deps: PdfVerificationDeps): Promise<PdfVerificationReport> {
  const now = deps.clock.now();
  const phases = new Phases();
  const document = await phases.wait('read', () => openPdf(bytes));
  const pool = new CertificatePool(deps.trustAnchors);
  const resolve = (ref: PdfRef) => document.context.resolve(ref);
  const textsReadable = !document.isEncrypted || document.isAuthenticated;
  const text = (dict: PdfDict, key: string) => (textsReadable ? dict.getString(key, resolve)?.asString() ?? null : null);

  const entries = phases.time('read', () => (document.getForm()?.getSignatureFields() ?? [])
    .filter((field) => field.isSigned())
    .flatMap((field) => {
      const dict = field.getSignatureDict();
      return dict ? [readEntry(bytes, document, textsReadable ? field.name : null, dict)] : [];
    })
    // Revision order: the earliest signature first.
    .sort((a, b) => a.end - b.end));

  // Certificates of every CMS and of the DSS go into one pool before any chain is built.
  const cmsOf = phases.time('parse', () => new Map<SignatureEntry, SignedCms | undefined>(entries.map((entry) => [entry, entry.contents ? readSignedData(entry.contents, pool) : undefined])));
  const revocationData = new RevocationData(phases.time('parse', () => readDss(document, pool)), pool);

  // What came after each signed range, each distinct signed revision read once.
  const laterRevisions = new LaterRevisions(bytes, document);
  const changesAfter = new Map<SignatureEntry, ChangesAfter | null>();
  for (const entry of entries) changesAfter.set(entry, entry.byteRange ? await phases.wait('revisions', () => laterRevisions.changesAfter(entry.end)) : null);
  const modifiedAfter = (entry: SignatureEntry): VerificationNoteCode[] => (changesAfter.get(entry) === 'OTHER' ? ['MODIFIED_AFTER_SIGNING'] : []);

  const documentTimestamps: DocumentTimestampCheck[] = entries.filter((entry) => entry.isDocumentTimestamp).map((entry) => {
    if (!entry.byteRange || !entry.contents) {
      return { entry, integrityValid: false, check: { genTime: null, tsaName: null, valid: false, trusted: false, tsa: undefined, notes: ['BYTE_RANGE_INVALID'] } };
    }
    const check = phases.time('timestamp', () => checkTimestampToken(entry.contents!, coveredPieces(bytes, entry.byteRange!), pool));
    return { entry, check, integrityValid: check.valid };
  });

  const liveAnswers = new Map<string, Promise<CertificateStatusAnswer>>();
  const liveStatus = (cert: Cert) => {
    if (!deps.liveStatus) return undefined;
    let answer = liveAnswers.get(cert.serialNumber);
    if (!answer) {
      liveAnswers.set(cert.serialNumber, (answer = deps.liveStatus(cert.serialNumber)));
      // Asked ahead: a signature that fails before it needs the answer must not leave it unhandled.
      answer.catch(() => undefined);
    }
    return answer;
  };
  const signers = entries.filter((entry) => !entry.isDocumentTimestamp);
  // The records are asked first, so their round trips overlap the hashing below.
  for (const entry of signers) {
    const cms = cmsOf.get(entry);
    const signer = cms && signerCertificate(cms.signerInfo, cms.certificates);
    const issuer = signer && phases.time('chain', () => pool.chain(signer).issuer);
    if (signer && issuer && pool.isAnchor(issuer)) void liveStatus(signer);
  }

  const verifySignature = async (entry: SignatureEntry): Promise<SignatureReport> => {
    const notes: VerificationNoteCode[] = textsReadable ? [] : ['DOCUMENT_ENCRYPTED'];
    const claimed = parsePdfDate(text(entry.dict, 'M') ?? '');
    const report: SignatureReport = {
      fieldName: entry.fieldName,
      signerName: text(entry.dict, 'Name'),
      signingTime: claimed?.toISOString() ?? null,
      reason: text(entry.dict, 'Reason'),
      location: text(entry.dict, 'Location'),
      coversWholeDocument: entry.end === bytes.byteLength,
      changesAfter: changesAfter.get(entry) ?? null,
      integrityValid: false,
      certificateTrusted: false,
      revocation: { status: 'unknown', source: null, checkedAt: null },
      timestamp: null,
      level: 'PAdES-B-B',
      ltv: false,
      conclusion: 'INVALID',
      subFilter: entry.subFilter,
      certificate: null,
      notes: [],
    };
    // Changes after the signed revision leave it intact (not INVALID) but what the reader sees
    // may not be what was signed: never VALID then, as Adobe warns.
    const finish = (conclusion: SignatureConclusion, more: readonly VerificationNoteCode[] = []): SignatureReport => ({
      ...report,
      conclusion: conclusion === 'VALID' && report.changesAfter === 'OTHER' ? 'INDETERMINATE' : conclusion,
      notes: unique([...notes, ...more, ...modifiedAfter(entry)]),
    });

    if (entry.subFilter !== 'ETSI.CAdES.detached' && entry.subFilter !== 'adbe.pkcs7.detached') return finish('INDETERMINATE', ['FORMAT_UNSUPPORTED']);
    if (!entry.byteRange || !entry.contents) return finish('INVALID', ['BYTE_RANGE_INVALID']);
    const cms = cmsOf.get(entry);
    if (!cms) return finish('INVALID', ['SIGNATURE_DATA_INVALID']);
    const signer = signerCertificate(cms.signerInfo, cms.certificates);
    if (!signer) return finish('INVALID', ['SIGNATURE_DATA_INVALID']);
    report.signerName = signer.commonName ?? report.signerName;
    report.certificate = summary(signer);
    if (!report.signingTime) {
      const stated = attributeOf(cms.signerInfo, OID.signingTime)?.values[0];
      if (stated instanceof asn1js.UTCTime || stated instanceof asn1js.GeneralizedTime) report.signingTime = stated.toDate().toISOString();
    }

    // 1. Integrity: the byte ranges' digest and the signature.
    const pieces = coveredPieces(bytes, entry.byteRange);
    const digestName = DIGESTS[cms.signerInfo.digestAlgorithm.algorithmId];
    const digest = digestName && cms.signerInfo.signedAttrs ? phases.time('hash', () => hashPieces(pieces, digestName)) : undefined;
    const integrity = phases.time('signature', () => checkSignerInfo(cms.signerInfo, signer, { digestOf: (hash) => (hash === digestName && digest ? digest : hashPieces(pieces, hash)), pieces }));
    if (integrity.weak) notes.push('WEAK_ALGORITHM');
    if (!integrity.ok) return finish(integrity.note === 'FORMAT_UNSUPPORTED' ? 'INDETERMINATE' : 'INVALID', [integrity.note]);
    report.integrityValid = true;

    // 2. Time: the signature's own timestamp, else a document timestamp over it.
    const token = cms.timestampToken;
    const signatureTimestamp = token ? phases.time('timestamp', () => checkTimestampToken(token, [cms.signerInfo.signature.valueBlock.valueHexView], pool)) : undefined;
    if (signatureTimestamp) {
      notes.push(...signatureTimestamp.notes);
      report.timestamp = signatureTimestamp.genTime
        ? { time: signatureTimestamp.genTime.toISOString(), tsaName: signatureTimestamp.tsaName, valid: signatureTimestamp.valid, trusted: signatureTimestamp.trusted }
        : null;
    }
    const covering = documentTimestamps.filter((stamp) => stamp.integrityValid && stamp.entry.holeStart >= entry.end);
    const proof = [signatureTimestamp, ...covering.map((stamp) => stamp.check)]
      .filter((check): check is TimestampCheck => check?.trusted === true && check.genTime !== null)
      .map((check) => check.genTime!)
      .sort((a, b) => a.getTime() - b.getTime())[0];
    const at = proof ?? claimed ?? now;

    // 3. The chain to the trust anchor, valid at the proven time (else now).
    const chain = phases.time('chain', () => pool.chain(signer));
    report.certificateTrusted = chain.trusted;
    const validAt = proof ?? now;
    const inValidity = chain.path.every((cert) => within(cert, validAt));

    // 4. Revocation at the signing time: the DSS first, else the service's records, which also
    //    tell of a revocation after it.
    const issuer = chain.issuer;
    const fromDss = issuer ? phases.time('revocation', () => statusFromDss(revocationData, signer, issuer, at)) : undefined;
    const live = issuer && pool.isAnchor(issuer) ? await phases.wait('revocation', async () => liveStatus(signer)) : undefined;
    let revocation: RevocationReport = fromDss ?? { status: 'unknown', source: null, checkedAt: null };
    if (live) {
      const checkedAt = now.toISOString();
      if (live.status === 'revoked') {
        const revokedBefore = live.revokedAt.getTime() <= at.getTime();
        const later = { revokedAt: live.revokedAt.toISOString(), revocationReason: live.reason };
        revocation = !fromDss || (revokedBefore && fromDss.status !== 'revoked')
          ? { status: revokedBefore ? 'revoked' : 'good', source: 'SERVICE', checkedAt, ...later }
          : { ...fromDss, ...later };
      } else if (!fromDss) {
        revocation = { status: live.status, source: 'SERVICE', checkedAt };
      }
    }
    report.revocation = revocation;

    // 5. Level: B-T with a valid timestamp (its own or a document timestamp), B-LT with the
    //    signer's and the TSA's revocation data and chain in the file, B-LTA with a document
    //    timestamp over that (one beyond what made it B-T).
    const timestamped = signatureTimestamp?.valid === true || covering.length > 0;
    const tsa = signatureTimestamp?.valid ? signatureTimestamp.tsa : covering[0]?.check.tsa;
    const tsaIssuer = tsa ? phases.time('chain', () => pool.chain(tsa).issuer) : undefined;
    const ltv = timestamped && chain.complete && phases.time('revocation', () => revocationData.covers(signer, issuer) && (!tsa || revocationData.covers(tsa, tsaIssuer)));
    const archived = covering.length - (signatureTimestamp?.valid ? 0 : 1) >= 1;
    report.level = !timestamped ? 'PAdES-B-B' : !ltv ? 'PAdES-B-T' : archived ? 'PAdES-B-LTA' : 'PAdES-B-LT';
    report.ltv = ltv;

    // 6. The conclusion, worst first.
    if (!chain.trusted) return finish('INDETERMINATE', ['CERTIFICATE_UNTRUSTED']);
    if (!inValidity) return finish(proof ? 'INVALID' : 'INDETERMINATE', [proof ? 'CERTIFICATE_NOT_VALID_AT_SIGNING_TIME' : 'CERTIFICATE_EXPIRED_NO_POE']);
    if (revocation.status === 'revoked') {
      // Without a proven time, only the signer's own statement of a later time condemns it.
      return proof || claimed ? finish('INVALID', ['CERTIFICATE_REVOKED']) : finish('INDETERMINATE', ['REVOKED_NO_POE']);
    }
    if (revocation.revokedAt) return proof ? finish('VALID', ['REVOKED_AFTER_SIGNING']) : finish('INDETERMINATE', ['REVOKED_NO_POE']);
    if (revocation.status === 'unknown') return finish('INDETERMINATE', ['REVOCATION_UNKNOWN']);
    if (signatureTimestamp && !signatureTimestamp.valid) return finish('INDETERMINATE');
    return finish('VALID');
  };
  // One after another: the work is CPU-bound, and what a signature waits for is only what is left
  // of its lookup.
  const signatures: SignatureReport[] = [];
  for (const entry of signers) signatures.push(await verifySignature(entry));

  const documentTimestampReports = documentTimestamps.map(({ entry, check, integrityValid }): DocumentTimestampReport => ({
    fieldName: entry.fieldName,
    time: check.genTime?.toISOString() ?? null,
    tsaName: check.tsaName,
    coversWholeDocument: entry.end === bytes.byteLength,
    changesAfter: changesAfter.get(entry) ?? null,
    integrityValid,
    certificateTrusted: check.trusted,
    notes: unique([...check.notes, ...modifiedAfter(entry)]),
  }));

  const conclusion: DocumentConclusion = signatures.length === 0 ? 'NO_SIGNATURE'
    : signatures.some((signature) => signature.conclusion === 'INVALID') || documentTimestamps.some((stamp) => !stamp.integrityValid) ? 'INVALID'
      : signatures.some((signature) => signature.conclusion === 'INDETERMINATE') ? 'INDETERMINATE'
        : 'VALID';
  deps.measure?.(phases.totals);
  return { conclusion, description: documentDescriptions[conclusion], signatures, documentTimestamps: documentTimestampReports };
}
