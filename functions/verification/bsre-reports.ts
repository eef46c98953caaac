import type { PdfVerificationReport, SignatureReport } from '../../shared/signing/pdf-verification.js';

/** Our verification report in the shapes BSrE's clients parse (v1 and v2). */

const formatOf = (level: SignatureReport['level']) => level.replace('PAdES-B-', 'PAdES_BASELINE_');

const certificateDetails = (signature: SignatureReport) => (signature.certificate ? [{
  id: signature.certificate.serialNumber,
  commonName: signature.signerName,
  subjectDN: signature.certificate.subject,
  issuerDN: signature.certificate.issuer,
  serialNumber: signature.certificate.serialNumber,
  notBeforeDate: signature.certificate.notBefore,
  notAfterDate: signature.certificate.notAfter,
}] : []);

export function bsreV2Report(report: PdfVerificationReport) {
  const count = report.signatures.length;
  return {
    conclusion: report.conclusion,
    description: report.description,
    signatureCount: count,
    signatureInformations: report.signatures.map((signature, index) => ({
      id: signature.fieldName ?? `signature-${index + 1}`,
      signatureFormat: formatOf(signature.level),
      signerName: signature.signerName,
      signatureDate: signature.timestamp?.time ?? signature.signingTime,
      fieldName: signature.fieldName,
      reason: signature.reason,
      location: signature.location,
      integrityValid: signature.integrityValid,
      certificateTrusted: signature.certificateTrusted,
      lastSignature: index === count - 1,
      ltv: signature.ltv,
      // BSrE's own spelling, which its clients read.
      timestampInfomation: signature.timestamp && { id: signature.fieldName, signerName: signature.timestamp.tsaName, timestamp: signature.timestamp.time },
      certificateDetails: certificateDetails(signature),
    })),
  };
}

export function bsreV1Report(report: PdfVerificationReport, documentName: string) {
  return {
    nama_dokumen: documentName,
    jumlah_signature: report.signatures.length,
    details: report.signatures.map((signature) => ({
      info_tsa: signature.timestamp && { name: signature.timestamp.tsaName, tsa_cert_validity: signature.timestamp.trusted, waktu: signature.timestamp.time },
      signature_field: signature.fieldName,
      info_signer: {
        signer_name: signature.signerName,
        signer_dn: signature.certificate?.subject ?? null,
        issuer_dn: signature.certificate?.issuer ?? null,
        cert_user_certified: signature.certificateTrusted,
        signer_cert_validity: signature.certificate ? `${signature.certificate.notBefore} - ${signature.certificate.notAfter}` : null,
        revocation_status: signature.revocation.status,
      },
      signature_document: {
        document_integrity: signature.integrityValid,
        signature_valid: signature.conclusion === 'VALID',
        signed_using_tsa: signature.timestamp !== null,
        signed_in: signature.timestamp?.time ?? signature.signingTime,
        reason: signature.reason,
        location: signature.location,
        pades_level: signature.level,
        ltv: signature.ltv,
      },
    })),
    summary: report.conclusion,
    notes: [report.description, ...report.signatures.flatMap((signature) => signature.notes.map((note) => note.description))].join(' '),
  };
}
