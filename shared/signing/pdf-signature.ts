import { CryptoKeySigner, PDF, PdfArray, PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject, type RevocationProvider, type Signer, type TimestampAuthority } from '@libpdf/core';
import * as pkijs from 'pkijs';
import { createHash, webcrypto } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { CaSigner } from '../ports/ca-signer.js';
import type { SignatureLevel } from '../domain/signing.js';
import { applyAppearance, type SignatureAppearance } from './pdf-appearance.js';

/** Who signs: their certificate (and the CA's), and their private key for this request only. */
export interface SigningParty {
  certificateDer: Uint8Array;
  /** The issuers above the signer's certificate, nearest first (here: the CA). */
  chainDer: readonly Uint8Array[];
  /**
   * The key, or the key still being unsealed: everything up to the one ECDSA operation (opening the
   * PDF, the signature revision, its digest, the signed attributes) runs meanwhile, and a key that
   * never comes (a wrong passphrase) fails the signature there, before any timestamp is asked for.
   */
  privateKey: webcrypto.CryptoKey | Promise<webcrypto.CryptoKey>;
}

/** The service sealing its own documents: its seal certificate, and a key that never leaves its vault (KMS; a key file locally). */
export interface SealingParty {
  certificateDer: Uint8Array;
  chainDer: readonly Uint8Array[];
  keySigner: Pick<CaSigner, 'signSha256'>;
}

/** The unsealed PKCS#8 as a non-extractable WebCrypto key (ECDSA P-256). */
export async function signingKeyFromPkcs8(pkcs8: Uint8Array): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
}

/**
 * An RFC 3161 TSA as the signing core calls it. `certificates` (the TSA's certificate, then its
 * issuers, DER) go into the DSS; without them they are read from each token, which costs a CMS
 * parse per signature.
 */
export type SigningTimestampAuthority = TimestampAuthority & { readonly certificates?: readonly Uint8Array[] };

/**
 * The steps of one signature, for the bench's breakdown; `cms` (the ECDSA alone) is inside
 * `signature`, which also holds any wait for a key still being unsealed.
 */
export type SigningStep = 'open' | 'signature' | 'cms' | 'timestamp' | 'dss';

export interface PdfSignatureRequest {
  pdf: Uint8Array;
  password?: string;
  party: SigningParty | SealingParty;
  level: SignatureLevel;
  signingTime: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** B-T and above: the service's own TSA, called directly. */
  timestampAuthority?: SigningTimestampAuthority;
  /** B-LT and above: revocation data for the DSS. */
  revocation?: RevocationProvider;
  /** A visible signature, its appearance in the signature's incremental update; invisible without. */
  appearance?: SignatureAppearance;
  /** Told how long each step took (the bench prints them); the timestamp is not in `signature`. */
  observe?: (step: SigningStep, milliseconds: number) => void;
}

// The CMS holds the signer's and the CA's certificates and, from B-T, a timestamp token with the
// TSA's: 16 KB leaves room for both chains.
const SIGNATURE_SPACE_BYTES = 16 * 1024;

/**
 * One PAdES signature (SubFilter ETSI.CAdES.detached) as an incremental update: the original
 * bytes stay a prefix, so earlier signatures stay valid. @libpdf/core builds the CMS (ESS
 * signing-certificate-v2) and the timestamp; B-LT adds a DSS in the next incremental update.
 *
 * The DSS is written here rather than by the library's B-LT: the library re-reads every
 * certificate from the CMS and the timestamp token (asn1 schema parsing, ~25 ms a signature) and
 * parses the whole file again after the DSS, while the chains are already known here and the
 * bytes after the DSS are the result. Its content is the same: the signer's and the TSA's chains,
 * their revocation data, and VRI entries for the signature and its timestamp. (The patch in
 * infra/patches also spares the parse the library did after the signature itself.)
 */
export async function signPdf(request: PdfSignatureRequest): Promise<Uint8Array> {
  const observe = request.observe ?? (() => {});
  // A key that never comes fails the signature at its ECDSA, or not at all if the PDF failed first.
  const { party } = request;
  if ('privateKey' in party && party.privateKey instanceof Promise) party.privateKey.catch(() => {});
  const longTerm = request.level === 'B-LT' || request.level === 'B-LTA';
  if (longTerm && !request.timestampAuthority) throw new Error(`PAdES ${request.level} needs a timestamp authority`);
  // The DSS's revocation data depends on the chains only: asked for now, it arrives while the PDF
  // is prepared (and the key unsealed). Awaited, or its failure set aside, on every path.
  const signerChain = [request.party.certificateDer, ...request.party.chainDer];
  const signerRevocation = longTerm ? settledLater(revocationData(request.revocation, signerChain)) : undefined;
  const knownTsaChain = request.timestampAuthority?.certificates;
  const knownTsaRevocation = longTerm && knownTsaChain ? settledLater(revocationData(request.revocation, knownTsaChain)) : undefined;
  let started = performance.now();
  const document = await openPdf(request.pdf, request.password);
  const visible = request.appearance ? applyAppearance(document, request.appearance) : undefined;
  observe('open', performance.now() - started);

  let token: Uint8Array | undefined;
  let timestampMs = 0;
  const timestampAuthority = request.timestampAuthority && {
    timestamp: async (digest: Uint8Array, algorithm: Parameters<TimestampAuthority['timestamp']>[1]) => {
      const asked = performance.now();
      token = await request.timestampAuthority!.timestamp(digest, algorithm);
      timestampMs += performance.now() - asked;
      return token;
    },
  };
  const signedBefore = signedFieldNames(document);
  started = performance.now();
  const result = await document.sign({
    signer: partySigner(request.party, observe),
    ...(visible ? { fieldName: visible.fieldName } : {}),
    level: longTerm ? 'B-T' : request.level,
    signingTime: request.signingTime,
    estimatedSize: SIGNATURE_SPACE_BYTES,
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.location ? { location: request.location } : {}),
    ...(request.contactInfo ? { contactInfo: request.contactInfo } : {}),
    ...(timestampAuthority ? { timestampAuthority } : {}),
  });
  observe('signature', performance.now() - started - timestampMs);
  if (timestampAuthority) observe('timestamp', timestampMs);
  if (!longTerm) return result.bytes;

  started = performance.now();
  // sign() left the document at the signed bytes (adopted, not parsed again: infra/patches), so
  // the DSS update follows the signature's.
  const signatureContents = newSignatureContents(document, signedBefore);
  const tsaChain = [...(knownTsaChain ?? certificatesOf(token!))];
  const [signerData, tsaRevocation] = await Promise.all([signerRevocation!(), knownTsaRevocation ? knownTsaRevocation() : revocationData(request.revocation, tsaChain)]);
  addDss(document, [
    // The signature's own entry names everything it needs, its timestamp's chain included.
    { key: signatureContents, certificates: [...signerChain, ...tsaChain], ocsps: [...signerData.ocsps, ...tsaRevocation.ocsps], crls: [...signerData.crls, ...tsaRevocation.crls], at: request.signingTime },
    { key: token!, certificates: tsaChain, ...tsaRevocation, at: request.signingTime },
  ]);
  const bytes = await document.save({ incremental: true });
  observe('dss', performance.now() - started);
  if (request.level === 'B-LT') return bytes;

  // B-LTA: a document timestamp over everything, and the DSS entries for its own token. (The
  // patched reload keeps the password an encrypted document was opened with.)
  await document.reload(bytes);
  const archived = await document.addTimestamp({
    timestampAuthority: request.timestampAuthority!,
    longTermValidation: true,
    ...(request.revocation ? { revocationProvider: request.revocation } : {}),
  });
  return archived.bytes;
}

/**
 * The CMS signer of a party: WebCrypto for a person's unsealed key (waited for here, the last
 * moment it is needed), the vault's Sign for a seal. The ECDSA alone is timed as `cms`.
 */
function partySigner(party: SigningParty | SealingParty, observe: (step: SigningStep, milliseconds: number) => void): Signer {
  const timed = async (sign: () => Promise<Uint8Array>) => {
    const started = performance.now();
    try {
      return await sign();
    } finally {
      observe('cms', performance.now() - started);
    }
  };
  const common: Omit<Signer, 'sign'> = { certificate: party.certificateDer, certificateChain: [...party.chainDer], keyType: 'EC', signatureAlgorithm: 'ECDSA' };
  if ('privateKey' in party) {
    return {
      ...common,
      sign: async (data, algorithm) => {
        const signer = new CryptoKeySigner(await party.privateKey, party.certificateDer, 'EC', 'ECDSA', [...party.chainDer]);
        return timed(() => signer.sign(data, algorithm));
      },
    };
  }
  const { keySigner } = party;
  return {
    ...common,
    sign: async (data, algorithm) => {
      // The vault signs SHA-256 digests (the CA's profile); the core asks for nothing else.
      if (algorithm !== 'SHA-256') throw new Error(`A vault key signs SHA-256 only, not ${algorithm}`);
      return timed(() => keySigner.signSha256(data));
    },
  };
}

/**
 * A promise started ahead of its use: its failure is held (not reported as unhandled when the
 * signature fails first) and thrown where the result is awaited.
 */
function settledLater<T>(promise: Promise<T>): () => Promise<T> {
  promise.catch(() => {});
  return () => promise;
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

function signedFieldNames(document: PDF): Set<string> {
  return new Set(document.getForm()?.getSignatureFields().filter((field) => field.isSigned()).map((field) => field.name) ?? []);
}

/**
 * The /Contents of the signature just made (zero padding included: the VRI key is the SHA-1 of
 * the string as it stands in the file). The library may have filled an empty field that was
 * there, so the field is found as the one signed now and not before.
 */
function newSignatureContents(document: PDF, signedBefore: Set<string>): Uint8Array {
  const field = document.getForm()?.getSignatureFields().find((candidate) => candidate.isSigned() && !signedBefore.has(candidate.name));
  const contents = field?.getSignatureDict()?.get('Contents');
  if (!(contents instanceof PdfString)) throw new Error('The new signature has no /Contents');
  return contents.bytes;
}

/** The certificates a CMS SignedData (here: a timestamp token) carries, as DER. */
function certificatesOf(cms: Uint8Array): Uint8Array[] {
  const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms).content });
  return (signedData.certificates ?? [])
    .filter((certificate): certificate is pkijs.Certificate => certificate instanceof pkijs.Certificate)
    .map((certificate) => new Uint8Array(certificate.toSchema().toBER(false)));
}

/**
 * OCSP responses, else CRLs, for every certificate of a chain (leaf first) that has an issuer in
 * it (a trust anchor is not checked for revocation). A provider's failure fails the signature: a
 * B-LT signature without its revocation data would not validate offline, which is its point.
 */
async function revocationData(provider: RevocationProvider | undefined, chain: readonly Uint8Array[]): Promise<{ ocsps: Uint8Array[]; crls: Uint8Array[] }> {
  const ocsps: Uint8Array[] = [];
  const crls: Uint8Array[] = [];
  for (let index = 0; provider && index + 1 < chain.length; index++) {
    const ocsp = provider.getOCSP ? await provider.getOCSP(chain[index]!, chain[index + 1]!) : null;
    if (ocsp) {
      ocsps.push(ocsp);
      continue;
    }
    const crl = provider.getCRL ? await provider.getCRL(chain[index]!) : null;
    if (crl) crls.push(crl);
  }
  return { ocsps, crls };
}

/** What one VRI entry names, keyed by the SHA-1 of a signature's /Contents or of a timestamp token. */
interface VriEntry {
  key: Uint8Array;
  certificates: readonly Uint8Array[];
  ocsps: readonly Uint8Array[];
  crls: readonly Uint8Array[];
  at: Date;
}

/**
 * Sets the catalog's /DSS (PDF 2.0 §12.8.4.3, ETSI EN 319 142-1 §5.4): the document's earlier DSS
 * entries kept, each new certificate, OCSP response and CRL added once (known by the SHA-1 of its
 * bytes, as the library's own DSS builder does), and a VRI entry naming each one's data.
 */
function addDss(document: PDF, entries: readonly VriEntry[]): void {
  const resolve = (ref: PdfRef) => document.getObject(ref);
  const catalog = document.getCatalog();
  const earlier = catalog.getDict('DSS', resolve);
  const dss = new PdfDict([['Type', PdfName.of('DSS')]]);
  // Per array: the earlier items as they were, then the new streams; a stream already there is reused.
  const arrays = (['Certs', 'OCSPs', 'CRLs'] as const).map((key) => {
    const items: PdfObject[] = [];
    const byHash = new Map<string, PdfRef>();
    for (const item of earlier?.getArray(key, resolve) ?? []) {
      items.push(item);
      const stream = item instanceof PdfRef ? document.getObject(item) : undefined;
      if (stream instanceof PdfStream) byHash.set(sha1(stream.getDecodedData()), item as PdfRef);
    }
    return { key, items, byHash };
  });
  const refsOf = (index: number, data: readonly Uint8Array[]): PdfRef[] => {
    const array = arrays[index]!;
    const refs: PdfRef[] = [];
    for (const bytes of data) {
      const hash = sha1(bytes);
      let ref = array.byHash.get(hash);
      if (!ref) {
        ref = document.register(new PdfStream(new PdfDict(), bytes));
        array.byHash.set(hash, ref);
        array.items.push(ref);
      }
      if (!refs.includes(ref)) refs.push(ref);
    }
    return refs;
  };

  const vri = new PdfDict();
  for (const [key, value] of earlier?.getDict('VRI', resolve) ?? []) vri.set(key, value);
  for (const entry of entries) {
    const [certs, ocsps, crls] = [refsOf(0, entry.certificates), refsOf(1, entry.ocsps), refsOf(2, entry.crls)];
    vri.set(sha1(entry.key).toUpperCase(), PdfDict.of({
      ...(certs.length ? { Cert: new PdfArray(certs) } : {}),
      ...(ocsps.length ? { OCSP: new PdfArray(ocsps) } : {}),
      ...(crls.length ? { CRL: new PdfArray(crls) } : {}),
      TU: PdfString.fromString(pdfDate(entry.at)),
    }));
  }
  for (const { key, items } of arrays) if (items.length) dss.set(key, new PdfArray(items));
  dss.set('VRI', vri);
  catalog.set('DSS', document.register(dss));
}

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

/** A PDF date in UTC (PDF 32000-1 §7.9.4). */
function pdfDate(at: Date): string {
  return `D:${at.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}
