import * as z from 'zod';
import { certificateStatuses, revocationReasons, serialNumberPattern } from '../../shared/domain/certificates.js';
import { meetsCredentialPolicy } from '../../shared/domain/credential-policy.js';
import { photoIdPattern } from '../../shared/domain/photo-ids.js';
import type { Role } from '../../shared/domain/user.js';
import { defineRoutes } from '../../shared/http/route.js';
import { photoUploadBody, photoUploadResponse, tokenParams } from '../../shared/http/schemas.js';
import { fieldCode } from '../../shared/validation.js';
import { dataChangeRoutes } from './data-change-routes.js';

// People hold certificates; verifiers and operators are people too.
const signedIn = ['USER', 'VERIFIER', 'OPERATOR'] as const satisfies readonly Role[];
const sessionOnly = ['session'] as const;
const staff = ['VERIFIER', 'OPERATOR'] as const satisfies readonly Role[];

const newPassphrase = z.string().max(128).refine(meetsCredentialPolicy, { params: fieldCode('PASSPHRASE_POLICY') });
// Bounded so the KDF's input stays bounded; the policy is not re-checked on an existing passphrase.
const anyPassphrase = z.string().min(1).max(128);
const acceptAgreement = z.boolean().refine((accepted) => accepted, { params: fieldCode('AGREEMENT_NOT_ACCEPTED') });
const serialParams = z.strictObject({ serial: z.string().regex(serialNumberPattern) });
const userParams = z.strictObject({ userId: z.string().min(1).max(64) });
const photoParams = tokenParams.extend({ photoId: z.string().regex(photoIdPattern) });

/** A new passphrase with its confirmation and the accepted agreement. */
const passphraseBody = z.strictObject({ passphrase: newPassphrase, passphraseConfirmation: z.string().max(128), acceptAgreement })
  .refine((body) => body.passphrase === body.passphraseConfirmation, { path: ['passphraseConfirmation'], params: fieldCode('PASSPHRASE_MISMATCH') });
const resetBody = z.strictObject({ newPassphrase, newPassphraseConfirmation: z.string().max(128), acceptAgreement })
  .refine((body) => body.newPassphrase === body.newPassphraseConfirmation, { path: ['newPassphraseConfirmation'], params: fieldCode('PASSPHRASE_MISMATCH') });
const changeBody = z.strictObject({ currentPassphrase: anyPassphrase, newPassphrase, newPassphraseConfirmation: z.string().max(128) })
  .refine((body) => body.newPassphrase === body.newPassphraseConfirmation, { path: ['newPassphraseConfirmation'], params: fieldCode('PASSPHRASE_MISMATCH') });

const certificate = z.object({
  serialNumber: z.string(), status: z.enum(certificateStatuses), notBefore: z.string(), notAfter: z.string(), subject: z.string(), pem: z.string(), issuedAt: z.string(),
  revocation: z.object({ at: z.string(), reason: z.enum(revocationReasons) }).optional(),
  renewedBy: z.string().optional(),
});
const certificateList = z.object({ items: z.array(certificate) });
const issuancePage = z.object({
  kind: z.enum(['FIRST', 'RENEWAL', 'NEW_REQUEST', 'RESET']),
  profile: z.object({
    fullName: z.string(), email: z.string(), organizationName: z.string(), unitName: z.string().nullable(), position: z.string().nullable(), country: z.string(),
  }),
  replacesSerialNumber: z.string().optional(),
  agreement: z.object({ version: z.string(), text: z.string() }),
  selfieConfirmed: z.boolean(),
  expiresAt: z.string(),
});
const issued = z.object({ certificate });
const problem = { description: 'Problem (application/problem+json)' };
const linkProblems = { 404: { description: 'TOKEN_NOT_FOUND' }, 410: { description: 'TOKEN_EXPIRED or TOKEN_USED' } };
const accepted = { 202: { description: 'Accepted: the link is on its way by e-mail' } };
const revocationBody = z.strictObject({ reason: z.enum(revocationReasons) });

/** The routes of one issuing link (set passphrase or reset passphrase): page, selfie, issue. */
function issuanceRoutes(prefix: 'enrollment' | 'reset-passphrase', what: string) {
  return {
    page: {
      method: 'GET', path: `/v1/${prefix}/{token}`, access: 'public', params: tokenParams,
      summary: `The ${what} page: the profile the certificate will carry, the subscriber agreement, and whether the fresh selfie is in`,
      responses: { 200: { description: 'The page', schema: issuancePage }, 409: { description: 'CERTIFICATE_NOT_ELIGIBLE' }, ...linkProblems },
    },
    selfie: {
      method: 'POST', path: `/v1/${prefix}/{token}/photos`, access: 'public', params: tokenParams, body: photoUploadBody(['SELFIE']),
      summary: 'A presigned upload for the fresh selfie (JPEG/PNG, at most 5 MB, valid 5 minutes)',
      responses: { 201: { description: 'Upload with PUT', schema: photoUploadResponse }, ...linkProblems },
    },
    confirm: {
      method: 'POST', path: `/v1/${prefix}/{token}/photos/{photoId}/confirm`, access: 'public', params: photoParams,
      summary: 'Check the uploaded selfie and keep it with the link',
      responses: { 200: { description: 'Selfie accepted', schema: z.object({ selfieConfirmed: z.literal(true) }) }, 422: { description: 'PHOTO_INVALID' }, ...linkProblems },
    },
  } as const;
}
const enrollment = issuanceRoutes('enrollment', 'set-passphrase');
const reset = issuanceRoutes('reset-passphrase', 'reset-passphrase');

export const certificatesRoutes = defineRoutes('certificates', {
  getEnrollment: enrollment.page,
  requestEnrollmentSelfieUpload: enrollment.selfie,
  confirmEnrollmentSelfie: enrollment.confirm,
  enroll: {
    method: 'POST',
    path: '/v1/enrollment/{token}',
    summary: 'Set the passphrase and accept the agreement: a key pair is made and sealed under the passphrase, and the certificate issued (a retry on the same link answers with the same certificate)',
    access: 'public',
    params: tokenParams,
    body: passphraseBody,
    responses: {
      201: { description: 'Issued', schema: issued },
      409: { description: 'CERTIFICATE_ALREADY_ISSUED, CERTIFICATE_NOT_ACTIVE, CERTIFICATE_EXPIRED, CERTIFICATE_NOT_ELIGIBLE or ISSUANCE_IN_PROGRESS' },
      422: { description: 'SELFIE_REQUIRED or VALIDATION_FAILED (PASSPHRASE_POLICY, PASSPHRASE_MISMATCH, AGREEMENT_NOT_ACCEPTED)' },
      ...linkProblems,
    },
  },
  listMyCertificates: {
    method: 'GET',
    path: '/v1/me/certificates',
    summary: 'My certificates, newest first',
    access: signedIn,
    credentials: sessionOnly,
    responses: { 200: { description: 'Certificates', schema: certificateList } },
  },
  requestNewCertificate: {
    method: 'POST',
    path: '/v1/me/certificate-requests',
    summary: 'A new certificate when none is valid: a set-passphrase link by e-mail',
    access: signedIn,
    credentials: sessionOnly,
    responses: { ...accepted, 409: { description: 'CERTIFICATE_ALREADY_ISSUED or CERTIFICATE_NOT_ELIGIBLE' } },
  },
  requestRenewal: {
    method: 'POST',
    path: '/v1/me/certificates/{serial}/renewal',
    summary: 'Renew in the last 30 days: a set-passphrase link for a new key; the old certificate becomes RENEWED',
    access: signedIn,
    credentials: sessionOnly,
    params: serialParams,
    responses: {
      ...accepted, 404: problem, 409: { description: 'RENEWAL_NOT_OPEN (with renewalOpensAt), CERTIFICATE_EXPIRED or CERTIFICATE_NOT_ACTIVE' }, 423: { description: 'KEY_LOCKED (reset the passphrase instead)' }, 503: { description: 'ATTEMPT_IN_PROGRESS (with Retry-After): another try for this account or key is being checked; send again' },
    },
  },
  revokeMyCertificate: {
    method: 'POST',
    path: '/v1/me/certificates/{serial}/revocation',
    summary: 'Revoke my certificate with an RFC 5280 reason; the CRL and OCSP say so at once',
    access: signedIn,
    credentials: sessionOnly,
    params: serialParams,
    body: revocationBody,
    responses: { 200: { description: 'Revoked', schema: z.object({ serialNumber: z.string(), status: z.literal('REVOKED') }) }, 404: problem, 409: { description: 'CERTIFICATE_NOT_ACTIVE' } },
  },
  requestPassphraseChange: {
    method: 'POST',
    path: '/v1/me/certificates/{serial}/passphrase-change',
    summary: 'Change the passphrase: a change-passphrase link by e-mail (1 hour)',
    access: signedIn,
    credentials: sessionOnly,
    params: serialParams,
    responses: { ...accepted, 404: problem, 409: { description: 'CERTIFICATE_NOT_ACTIVE' }, 423: { description: 'KEY_LOCKED (reset instead)' }, 503: { description: 'ATTEMPT_IN_PROGRESS (with Retry-After): another try for this account or key is being checked; send again' } },
  },
  requestPassphraseReset: {
    method: 'POST',
    path: '/v1/me/certificates/{serial}/passphrase-reset',
    summary: 'Reset a forgotten passphrase (also unlocks a locked key): a reset-passphrase link by e-mail (1 hour)',
    access: signedIn,
    credentials: sessionOnly,
    params: serialParams,
    responses: { ...accepted, 404: problem, 409: { description: 'CERTIFICATE_NOT_ACTIVE' } },
  },
  getPassphraseChange: {
    method: 'GET',
    path: '/v1/change-passphrase/{token}',
    summary: 'The change-passphrase page: whose certificate, and whether its key is locked',
    access: 'public',
    params: tokenParams,
    responses: {
      200: { description: 'The page', schema: z.object({ fullName: z.string(), email: z.string(), serialNumber: z.string(), keyLocked: z.boolean(), expiresAt: z.string() }) },
      409: { description: 'CERTIFICATE_NOT_ACTIVE' },
      ...linkProblems,
    },
  },
  changePassphrase: {
    method: 'POST',
    path: '/v1/change-passphrase/{token}',
    summary: 'The current passphrase and a new one: the same key sealed anew (a wrong current passphrase counts toward the lock)',
    access: 'public',
    params: tokenParams,
    body: changeBody,
    responses: {
      204: { description: 'Changed' },
      401: { description: 'PASSPHRASE_INVALID (with attemptsLeft)' },
      409: { description: 'CERTIFICATE_NOT_ACTIVE' },
      423: { description: 'KEY_LOCKED' }, 503: { description: 'ATTEMPT_IN_PROGRESS (with Retry-After): another try for this account or key is being checked; send again' },
      ...linkProblems,
    },
  },
  getPassphraseReset: reset.page,
  requestResetSelfieUpload: reset.selfie,
  confirmResetSelfie: reset.confirm,
  resetPassphrase: {
    method: 'POST',
    path: '/v1/reset-passphrase/{token}',
    summary: 'After a fresh selfie: a new passphrase, a new key and certificate; the old certificate is revoked (superseded)',
    access: 'public',
    params: tokenParams,
    body: resetBody,
    responses: {
      201: { description: 'Issued', schema: issued },
      409: { description: 'CERTIFICATE_NOT_ACTIVE or ISSUANCE_IN_PROGRESS' },
      422: { description: 'SELFIE_REQUIRED or VALIDATION_FAILED' },
      ...linkProblems,
    },
  },
  listUserCertificates: {
    method: 'GET',
    path: '/v1/users/{userId}/certificates',
    summary: "A user's certificates (the verifier's own tenant; the operator any)",
    access: staff,
    params: userParams,
    responses: { 200: { description: 'Certificates', schema: certificateList }, 404: problem },
  },
  revokeUserCertificate: {
    method: 'POST',
    path: '/v1/users/{userId}/certificates/{serial}/revocation',
    summary: "Revoke a user's certificate with an RFC 5280 reason",
    access: staff,
    params: userParams.extend(serialParams.shape),
    body: revocationBody,
    responses: { 200: { description: 'Revoked', schema: z.object({ serialNumber: z.string(), status: z.literal('REVOKED') }) }, 404: problem, 409: { description: 'CERTIFICATE_NOT_ACTIVE' } },
  },
  ...dataChangeRoutes,
});
