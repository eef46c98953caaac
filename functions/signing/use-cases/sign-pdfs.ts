import type { RevocationProvider, TimestampAuthority } from '@libpdf/core';
import { createHash, type webcrypto } from 'node:crypto';
import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import { SIGNED_DOCUMENT_KEEP_HOURS, signingEligibility, type SignatureLevel } from '../../../shared/domain/signing.js';
import type { MessageComposer } from '../../../shared/outbox.js';
import type { CertificateRecord, CertificateStore } from '../../../shared/ports/certificates.js';
import type { KeyWrapper } from '../../../shared/ports/key-wrapper.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { DocumentStore, SignatureLedger, SigningBatch } from '../../../shared/ports/signatures.js';
import { fromPem } from '../../../shared/pki/encoding.js';
import { formatJakartaTime } from '../../../shared/domain/jakarta-time.js';
import type { SignatureAppearance } from '../../../shared/signing/pdf-appearance.js';
import { signingKeyFromPkcs8, signPdf } from '../../../shared/signing/pdf-signature.js';
import { unlockSigningKey } from '../../../shared/signing-keys.js';
import { resolveSigner, type SignerDeps, type SignerReference } from './signer.js';

export interface SigningDeps extends SignerDeps {
  certificates: Pick<CertificateStore, 'listUserCertificates' | 'findSigningKey' | 'passphraseAttempts' | 'lockKey'>;
  keyWrapper: KeyWrapper;
  composer: MessageComposer;
  ledger: SignatureLedger;
  documents: DocumentStore;
  /** The CA certificate (DER), for the chain in every signature. */
  caCertificate: () => Promise<Uint8Array>;
  /** The service's TSA, called in-process (B-T and above). */
  timestamps: () => Promise<TimestampAuthority>;
  /** OCSP/CRL data for the DSS (B-LT and above). */
  revocation: RevocationProvider;
  clock: Clock;
  ids: IdGenerator;
}

/** What a signature says besides who signed: why, where, how to reach the signer, and its stamp. */
export interface SignatureDetails {
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** A visible stamp; its text lines default to who signed, when, why and where. */
  appearance?: Omit<SignatureAppearance, 'lines'> & { lines?: readonly string[] };
}

/**
 * Where a visible stamp goes: by its lower-left corner, or centred on a text in the page (then x/y
 * move it from there, and without a page named every page is searched). The one rule for the /v1
 * route and BSrE's v1 and v2 fields.
 */
export function stampPlacement(given: {
  page?: number | 'first' | 'last'; x?: number; y?: number; width: number; height: number; anchorText?: string;
}): Pick<SignatureAppearance, 'page' | 'x' | 'y' | 'width' | 'height' | 'anchorText'> {
  return {
    ...(given.page !== undefined || !given.anchorText ? { page: given.page ?? 'last' } : {}),
    ...(given.anchorText ? { anchorText: given.anchorText } : {}),
    x: given.x ?? 0, y: given.y ?? 0, width: given.width, height: given.height,
  };
}

export interface DocumentToSign {
  name: string;
  pdf: Uint8Array;
  password?: string;
  /** This document's own details, when they differ from the request's (BSrE v2 sends one set per file). */
  details?: SignatureDetails;
}

export interface SignPdfsInput extends SignatureDetails {
  actor: Actor;
  /** Whom an integrator signs for; a person signs as themselves. */
  signer?: SignerReference;
  passphrase: string;
  documents: readonly DocumentToSign[];
  level: SignatureLevel;
  /** A client's retry with the same key gets the same signed files, signed and counted once. */
  idempotencyKey?: string;
}

export interface SignedPdfs {
  signedAt: string;
  level: SignatureLevel;
  documents: { name: string; documentId: string; pdf: Uint8Array }[];
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * Signs every document of one request under one authorisation: the signer's passphrase opens
 * their key once (wrong ones counted toward the lock), the key lives only in this call, each PDF
 * gets a PAdES signature at the level asked, and the batch is recorded with its usage in one
 * transaction after the signed files are stored.
 */
export async function signPdfs(deps: SigningDeps, input: SignPdfsInput): Promise<SignedPdfs> {
  const { actor } = input;
  const signer = await resolveSigner(deps, actor, input.signer);
  const batchId = input.idempotencyKey ? sha256(`${actor.tenantId}\n${actor.actorId}\n${input.idempotencyKey}`).slice(0, 32) : deps.ids.newId();
  const now = deps.clock.now();
  // The signer's reads go out with the look for an earlier batch (they only read): a retry is
  // still answered with its files whatever the reads find.
  const eligible = heldUntilAwaited(eligibleSigner(deps, signer, now));
  if (input.idempotencyKey) {
    const earlier = await deps.ledger.findBatch(batchId);
    if (earlier) return replay(deps, earlier);
  }
  const { certificate, unlock } = await eligible();

  // The KDF runs on libuv's threadpool: while it derives, this thread opens every PDF and prepares
  // its signature up to the ECDSA, which waits for the key (pdf-signature.ts). The passphrase is
  // tried, counted and the key zeroed exactly as before; only the waiting overlaps.
  const privateKey = unlock(input.passphrase).then(async (pkcs8) => {
    try {
      return await signingKeyFromPkcs8(pkcs8);
    } finally {
      pkcs8.fill(0);
    }
  });
  const signing = signEvery(deps, input, certificate, now, privateKey);
  const [opened, signedOrFailed] = await Promise.allSettled([privateKey, signing]);
  // The passphrase answers first, as it did when it was tried before any document was read.
  if (opened.status === 'rejected') throw opened.reason;
  if (signedOrFailed.status === 'rejected') throw signedOrFailed.reason;
  const signed = signedOrFailed.value;

  // Each attempt stores under its own prefix: a concurrent retry that loses the record never
  // overwrites the files of the one that won.
  const attempt = deps.ids.newId();
  const batch: SigningBatch = {
    batchId, tenantId: signer.tenantId, userId: signer.actorId, ...(signer.actorId === actor.actorId ? {} : { requestedBy: actor.actorId }), certificateSerial: certificate.serialNumber, level: input.level, signedAt: now.toISOString(),
    documents: signed.map(({ index, document, pdf }) => ({
      documentId: `${batchId}.${index + 1}`,
      name: document.name,
      originalSha256: sha256(document.pdf),
      signedSha256: sha256(pdf),
      objectKey: `documents/${actor.tenantId}/${batchId}/${attempt}/${index + 1}.pdf`,
    })),
  };
  // The files first, then their record with its usage: a record never names a file that is not
  // there (a retry with the same key is answered from them), and a file without a record (a crash
  // between the two) was never answered, so nothing signed goes unrecorded and the retry signs
  // and counts once. Overlapping the two would let a record outlive a failed put.
  await Promise.all(batch.documents.map((document, index) => deps.documents.put(document.objectKey, signed[index]!.pdf, 'application/pdf')));
  if (!(await deps.ledger.record(batch))) return replay(deps, (await deps.ledger.findBatch(batchId))!);
  return { signedAt: batch.signedAt, level: batch.level, documents: batch.documents.map((document, index) => ({ name: document.name, documentId: document.documentId, pdf: signed[index]!.pdf })) };
}

/** Every document of the request signed (all at once), each waiting for the key only at its ECDSA. */
async function signEvery(
  deps: SigningDeps, input: SignPdfsInput, certificate: CertificateRecord, now: Date, privateKey: Promise<webcrypto.CryptoKey>,
): Promise<{ index: number; document: DocumentToSign; pdf: Uint8Array }[]> {
  const [caCertificate, timestampAuthority] = await Promise.all([deps.caCertificate(), input.level === 'B-B' ? undefined : deps.timestamps()]);
  const party = { certificateDer: fromPem(certificate.pem, 'CERTIFICATE'), chainDer: [caCertificate], privateKey };
  const appearanceOf = ({ appearance, reason, location }: SignatureDetails) => appearance && {
    ...appearance,
    lines: appearance.lines ?? [
      'Ditandatangani secara elektronik oleh', certificate.fullName, formatJakartaTime(now.toISOString()),
      ...(reason ? [`Alasan: ${reason}`] : []), ...(location ? [`Lokasi: ${location}`] : []),
    ],
  };
  // All at once: while one waits on the TSA or the CRL, another computes (the request is 6 MB at most).
  return Promise.all(input.documents.map(async (document, index) => {
    const details = document.details ?? input;
    const appearance = appearanceOf(details);
    return {
      index,
      document,
      pdf: await signPdf({
        pdf: document.pdf,
        ...(document.password ? { password: document.password } : {}),
        party,
        level: input.level,
        signingTime: now,
        ...(details.reason ? { reason: details.reason } : {}),
        ...(details.location ? { location: details.location } : {}),
        ...(details.contactInfo ? { contactInfo: details.contactInfo } : {}),
        ...(timestampAuthority ? { timestampAuthority } : {}),
        ...(input.level === 'B-LT' || input.level === 'B-LTA' ? { revocation: deps.revocation } : {}),
        ...(appearance ? { appearance } : {}),
      }),
    };
  }));
}

/**
 * The one authorisation of a request: the signer may sign (else SIGNER_NOT_ELIGIBLE with the
 * reason), and their passphrase opens their key (wrong ones counted toward the lock). The caller
 * owns the PKCS#8 and zeroes it as soon as it is imported.
 */
export async function authorise(deps: AuthoriseDeps, actor: Actor, passphrase: string, now: Date): Promise<{ certificate: CertificateRecord; pkcs8: Uint8Array }> {
  const { certificate, unlock } = await eligibleSigner(deps, actor, now);
  return { certificate, pkcs8: await unlock(passphrase) };
}

/**
 * The first half of the authorisation, which reads only: the signer may sign (else
 * SIGNER_NOT_ELIGIBLE with the reason) with this certificate, and `unlock` tries the passphrase on
 * their key (counted toward the lock; see unlockSigningKey).
 */
async function eligibleSigner(deps: AuthoriseDeps, actor: Actor, now: Date): Promise<{ certificate: CertificateRecord; unlock: (passphrase: string) => Promise<Uint8Array> }> {
  const [user, certificates, key] = await Promise.all([
    deps.users.findUser(actor.actorId),
    deps.certificates.listUserCertificates(actor.actorId),
    deps.certificates.findSigningKey(actor.actorId),
  ]);
  const eligibility = signingEligibility(user?.tenantId === actor.tenantId ? user.status : undefined, certificates, now);
  if ('reason' in eligibility) throw new AppError('SIGNER_NOT_ELIGIBLE', [], { extensions: { reason: eligibility.reason } });
  if (!user || !key) throw new AppError('NO_SIGNING_KEY');
  const holder = { userId: user.userId, tenantId: user.tenantId, email: user.email, fullName: user.fullName, role: actor.role };
  return { certificate: eligibility.certificate, unlock: (passphrase) => unlockSigningKey(deps, holder, key, passphrase) };
}

/**
 * A promise started ahead of its use: its failure is held (not reported as unhandled when the
 * request ends another way first) and thrown where the result is awaited.
 */
function heldUntilAwaited<T>(promise: Promise<T>): () => Promise<T> {
  promise.catch(() => {});
  return () => promise;
}

type AuthoriseDeps = Pick<SigningDeps, 'users' | 'certificates' | 'keyWrapper' | 'composer' | 'clock' | 'ids'>;

/** The files of a batch signed before (a retried request): the same bytes, nothing signed again. */
async function replay(deps: Pick<SigningDeps, 'documents'>, batch: SigningBatch): Promise<SignedPdfs> {
  const documents = await Promise.all(batch.documents.map(async (document) => {
    const pdf = await deps.documents.get(document.objectKey);
    if (!pdf) throw new AppError('DOCUMENT_NOT_FOUND');
    return { name: document.name, documentId: document.documentId, pdf };
  }));
  return { signedAt: batch.signedAt, level: batch.level, documents };
}

/** A signed PDF, for 24 hours, to the person who signed it and to their tenant's signing keys. */
export async function signedDocument(deps: Pick<SigningDeps, 'ledger' | 'documents' | 'clock'>, input: { actor: Actor; documentId: string }): Promise<Uint8Array> {
  const batchId = input.documentId.split('.')[0]!;
  const batch = await deps.ledger.findBatch(batchId);
  const document = batch?.documents.find((entry) => entry.documentId === input.documentId);
  const fresh = batch && deps.clock.now().getTime() - new Date(batch.signedAt).getTime() < SIGNED_DOCUMENT_KEEP_HOURS * 3_600_000;
  const mayRead = batch?.tenantId === input.actor.tenantId && (batch.userId === input.actor.actorId || input.actor.role === 'INTEGRATOR');
  if (!batch || !document || !fresh || !mayRead) throw new AppError('DOCUMENT_NOT_FOUND');
  const pdf = await deps.documents.get(document.objectKey);
  if (!pdf) throw new AppError('DOCUMENT_NOT_FOUND');
  return pdf;
}
