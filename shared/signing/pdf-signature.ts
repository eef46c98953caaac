import { CryptoKeySigner, PDF, type RevocationProvider, type TimestampAuthority } from '@libpdf/core';
import { webcrypto } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { SignatureLevel } from '../domain/signing.js';
import { applyAppearance, type SignatureAppearance } from './pdf-appearance.js';

/** Who signs: their certificate (and the CA's), and their private key for this request only. */
export interface SigningParty {
  certificateDer: Uint8Array;
  chainDer: readonly Uint8Array[];
  privateKey: webcrypto.CryptoKey;
}

/** The unsealed PKCS#8 as a non-extractable WebCrypto key (ECDSA P-256). */
export async function signingKeyFromPkcs8(pkcs8: Uint8Array): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
}

export interface PdfSignatureRequest {
  pdf: Uint8Array;
  password?: string;
  party: SigningParty;
  level: SignatureLevel;
  signingTime: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** B-T and above: the service's own TSA, called directly. */
  timestampAuthority?: TimestampAuthority;
  /** B-LT and above: revocation data for the DSS. */
  revocation?: RevocationProvider;
  /** A visible signature, its appearance in the signature's incremental update; invisible without. */
  appearance?: SignatureAppearance;
}

// The CMS holds the signer's and the CA's certificates and, from B-T, a timestamp token with the
// TSA's: 16 KB leaves room for both chains.
const SIGNATURE_SPACE_BYTES = 16 * 1024;

/**
 * One PAdES signature (SubFilter ETSI.CAdES.detached) as an incremental update: the original
 * bytes stay a prefix, so earlier signatures stay valid. @libpdf/core builds the CMS (ESS
 * signing-certificate-v2), the timestamp and the DSS; this maps its failures to the service's codes.
 */
export async function signPdf(request: PdfSignatureRequest): Promise<Uint8Array> {
  const document = await openPdf(request.pdf, request.password);
  const signer = new CryptoKeySigner(request.party.privateKey, request.party.certificateDer, 'EC', 'ECDSA', [...request.party.chainDer]);
  const visible = request.appearance ? applyAppearance(document, request.appearance) : undefined;
  const result = await document.sign({
    signer,
    ...(visible ? { fieldName: visible.fieldName } : {}),
    level: request.level,
    signingTime: request.signingTime,
    estimatedSize: SIGNATURE_SPACE_BYTES,
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.location ? { location: request.location } : {}),
    ...(request.contactInfo ? { contactInfo: request.contactInfo } : {}),
    ...(request.timestampAuthority ? { timestampAuthority: request.timestampAuthority } : {}),
    ...(request.revocation ? { revocationProvider: request.revocation } : {}),
  });
  return result.bytes;
}

/** Loads a PDF to sign: a file that had to be rebuilt to be read is refused, not signed over. */
async function openPdf(bytes: Uint8Array, password: string | undefined): Promise<PDF> {
  if (!startsWithPdfHeader(bytes)) throw new AppError('PDF_INVALID');
  let document: PDF;
  try {
    document = await PDF.load(bytes, password ? { credentials: password } : {});
  } catch (error) {
    throw new AppError('PDF_INVALID', [], { internal: (error as Error).message });
  }
  // An update appended to a file whose cross-references are broken would not open as signed.
  if (document.recoveredViaBruteForce) throw new AppError('PDF_INVALID', [], { internal: 'recovered by brute force' });
  if (document.isEncrypted && !document.isAuthenticated) throw new AppError('PDF_PASSWORD_REQUIRED');
  return document;
}

/** %PDF- within the first KB, as readers accept it. */
function startsWithPdfHeader(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-');
}
