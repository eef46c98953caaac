import { AppError } from '../../shared/domain/errors.js';
import { DEFAULT_SIGNATURE_LEVEL, signingEligibility } from '../../shared/domain/signing.js';
import type { Reply, RouteActions, RouteRequest } from '../../shared/http/route.js';
import type { CertificateRecord } from '../../shared/ports/certificates.js';
import type { UserRecord } from '../../shared/ports/users.js';
import type { bsreRoutes } from './bsre-routes.js';
import { signedDocument, signPdfs, stampPlacement, type SignatureDetails, type SigningDeps } from './use-cases/sign-pdfs.js';
import { signerStanding, type SignerReference } from './use-cases/signer.js';
import { Base64Bytes, jsonBytesReply } from './json-bytes.js';

type BsreRoutes = typeof bsreRoutes;

/** BSrE's certificate statuses (v2 user check; v1 answers 1111 only for ISSUE). */
type BsreStatus = 'ISSUE' | 'EXPIRED' | 'RENEW' | 'WAITING_FOR_VERIFICATION' | 'NEW' | 'NO_CERTIFICATE' | 'NOT_REGISTERED' | 'SUSPEND' | 'REVOKE';

const statusMessages: Record<BsreStatus, string> = {
  ISSUE: 'Pengguna memiliki sertifikat elektronik yang berlaku dan dapat menandatangani.',
  EXPIRED: 'Sertifikat elektronik pengguna sudah kedaluwarsa.',
  RENEW: 'Sertifikat elektronik pengguna sedang diperbarui.',
  WAITING_FOR_VERIFICATION: 'Pendaftaran pengguna sedang menunggu verifikasi.',
  NEW: 'Pengguna sudah didaftarkan tetapi belum menyelesaikan aktivasi.',
  NO_CERTIFICATE: 'Pengguna belum memiliki sertifikat elektronik.',
  NOT_REGISTERED: 'Pengguna tidak terdaftar pada instansi ini.',
  SUSPEND: 'Penandatanganan pengguna sedang ditangguhkan.',
  REVOKE: 'Sertifikat elektronik pengguna sudah dicabut.',
};

/**
 * Our account and certificate states in BSrE's words. RENEW is never given: a renewal here keeps
 * the old certificate ISSUED until the new one is issued, so signing never pauses for one.
 */
export function bsreStatus(standing: { user: UserRecord; certificates: readonly CertificateRecord[] } | undefined, now: Date): BsreStatus {
  if (!standing) return 'NOT_REGISTERED';
  const { status } = standing.user;
  if (status === 'INVITED' || status === 'ACTIVATING') return 'NEW';
  if (status === 'SUBMITTED' || status === 'AWAITING_REVIEW') return 'WAITING_FOR_VERIFICATION';
  if (status === 'REJECTED' || status === 'EXPIRED') return 'NOT_REGISTERED';
  if (status === 'DISABLED') return 'SUSPEND';
  if (status === 'APPROVED') return 'NO_CERTIFICATE';
  const eligibility = signingEligibility(status, standing.certificates, now);
  if ('certificate' in eligibility) return 'ISSUE';
  const byReason = { SUSPENDED: 'SUSPEND', REVOKED: 'REVOKE', EXPIRED: 'EXPIRED', NO_CERTIFICATE: 'NO_CERTIFICATE', NOT_REGISTERED: 'NOT_REGISTERED', DISABLED: 'SUSPEND' } as const;
  return byReason[eligibility.reason];
}

const pdfReply = (pdf: Uint8Array, documentId: string): Reply => ({
  status: 200,
  body: pdf,
  headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${documentId}.pdf"`, id_dokumen: documentId },
});

const fieldMissing = (field: string) => new AppError('VALIDATION_FAILED', [{ field, code: 'REQUIRED' }]);

/** BSrE v1's visible-stamp fields as our appearance: an image, else a QR of linkQR, with the text lines. */
function v1Details(request: RouteRequest<BsreRoutes['bsreSignPdf']>): SignatureDetails {
  const { fields, files } = request.body;
  const details: SignatureDetails = { ...(fields.reason ? { reason: fields.reason } : {}), ...(fields.location ? { location: fields.location } : {}) };
  if (fields.tampilan !== 'visible') return details;
  const image = fields.image === 'true' ? files.imageTTD?.[0] : undefined;
  if (fields.image === 'true' && !image) throw fieldMissing('imageTTD');
  // With tag_koordinat the stamp is centred on that text (xAxis/yAxis unused), on the page named or any page.
  const anchor = fields.tag_koordinat?.trim() || undefined;
  const required = anchor ? (['width', 'height'] as const) : (['xAxis', 'yAxis', 'width', 'height'] as const);
  for (const field of required) if (fields[field] === undefined) throw fieldMissing(field);
  const page = fields.page ?? (fields.halaman === 'pertama' ? 'first' : fields.halaman === 'terakhir' ? 'last' : undefined);
  return {
    ...details,
    appearance: {
      ...stampPlacement({
        ...(page !== undefined ? { page } : {}),
        ...(anchor ? { anchorText: anchor } : { x: fields.xAxis!, y: fields.yAxis! }),
        width: fields.width!, height: fields.height!,
      }),
      ...(image ? { imageBytes: image.bytes } : {}),
      ...(!image && fields.linkQR ? { qr: fields.linkQR } : {}),
      ...(fields.text ? { lines: fields.text.split('\n') } : {}),
    },
  };
}

type V2Properties = RouteRequest<BsreRoutes['bsreSignPdfV2']>['body']['signatureProperties'][number];

function v2Details(properties: V2Properties | undefined): SignatureDetails {
  if (!properties) return {};
  const details: SignatureDetails = {
    ...(properties.reason ? { reason: properties.reason } : {}),
    ...(properties.location ? { location: properties.location } : {}),
    ...(properties.contactInfo ? { contactInfo: properties.contactInfo } : {}),
  };
  if (properties.tampilan !== 'VISIBLE') return details;
  const anchor = properties.tag_koordinat?.trim() || undefined;
  const required = anchor ? (['width', 'height'] as const) : (['originX', 'originY', 'width', 'height'] as const);
  for (const field of required) if (properties[field] === undefined) throw fieldMissing(`signatureProperties.${field}`);
  return {
    ...details,
    appearance: {
      ...stampPlacement({
        ...(properties.page !== undefined ? { page: properties.page } : {}),
        ...(anchor ? { anchorText: anchor } : { x: properties.originX!, y: properties.originY! }),
        width: properties.width!, height: properties.height!,
      }),
      ...(properties.imageBase64 ? { imageBytes: new Uint8Array(Buffer.from(properties.imageBase64, 'base64')) } : {}),
    },
  };
}

const referenceOf = (body: { nik?: string; email?: string }): SignerReference => (body.nik ? { nik: body.nik } : { email: body.email! });

/** The BSrE-compatible routes, on the same signing core as /v1/signatures. */
export function bsreActions(deps: SigningDeps): RouteActions<BsreRoutes> {
  return {
    bsreSignPdf: async (request) => {
      const { actor, body } = request;
      const file = body.files.file?.[0];
      if (!file) throw fieldMissing('file');
      const signed = await signPdfs(deps, {
        actor,
        signer: { nik: body.fields.nik },
        passphrase: body.fields.passphrase,
        documents: [{ name: file.fileName || 'dokumen.pdf', pdf: file.bytes }],
        level: DEFAULT_SIGNATURE_LEVEL,
        ...v1Details(request),
      });
      const [document] = signed.documents;
      return pdfReply(document!.pdf, document!.documentId);
    },
    bsreDownload: async ({ actor, params }) => pdfReply(await signedDocument(deps, { actor, documentId: params.id_dokumen }), params.id_dokumen),
    bsreUserStatus: async ({ actor, params }) => {
      const status = bsreStatus(await signerStanding(deps, actor, { nik: params.nik }), deps.clock.now());
      return { status: 200, body: { status_code: status === 'ISSUE' ? 1111 : 1110, status, message: statusMessages[status] } };
    },
    bsreSignPdfV2: async ({ actor, body }) => {
      const started = deps.clock.now().getTime();
      const [shared] = body.signatureProperties;
      const perFile = body.signatureProperties.length > 1;
      const signed = await signPdfs(deps, {
        actor,
        signer: referenceOf(body),
        passphrase: body.passphrase,
        documents: body.file.map((pdfBase64, index) => ({
          name: `dokumen-${index + 1}.pdf`,
          pdf: new Uint8Array(Buffer.from(pdfBase64, 'base64')),
          ...(perFile ? { details: v2Details(body.signatureProperties[index]) } : {}),
        })),
        level: DEFAULT_SIGNATURE_LEVEL,
        ...(perFile ? {} : v2Details(shared)),
      });
      // `time`: how long the signing took, in milliseconds.
      return jsonBytesReply({ time: deps.clock.now().getTime() - started, file: signed.documents.map((document) => new Base64Bytes(document.pdf)) });
    },
    bsreUserStatusV2: async ({ actor, body }) => {
      const status = bsreStatus(await signerStanding(deps, actor, referenceOf(body)), deps.clock.now());
      return { status: 200, body: { status, message: statusMessages[status] } };
    },
  };
}
