import * as z from 'zod';
import { meetsCredentialPolicy } from '../../shared/domain/credential-policy.js';
import { otpCodePattern } from '../../shared/domain/otp.js';
import { photoIdPattern } from '../../shared/domain/photo-ids.js';
import { roles } from '../../shared/domain/user.js';
import { defineRoutes } from '../../shared/http/route.js';
import { decisionBody, photoUploadBody, photoUploadResponse, text, tokenParams } from '../../shared/http/schemas.js';
import { deviceRequestStatuses } from '../../shared/ports/accounts.js';
import { fieldCode } from '../../shared/validation.js';

// People sign in to their own account; verifiers and operators are people too.
const signedIn = ['USER', 'VERIFIER', 'OPERATOR'] as const satisfies readonly (typeof roles)[number][];
const sessionOnly = ['session'] as const;

const email = z.email().max(254);
const otp = z.string().refine((code) => otpCodePattern.test(code), { params: fieldCode('OTP_INVALID') });
const newPassword = z.string().refine(meetsCredentialPolicy, { params: fieldCode('PASSWORD_POLICY') });
// Long enough for any passphrase-style password; bounded so hashing stays bounded.
const anyPassword = z.string().min(1).max(256);
const deviceName = text(50);
const deviceId = z.string().min(1).max(100);

const authenticatorOffer = z.object({ secret: z.string(), otpauthUri: z.string(), qrPngDataUrl: z.string() });
const device = z.object({ deviceId: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().optional() });
const problem = { description: 'Problem (application/problem+json)' };
const linkProblems = { 404: { description: 'TOKEN_NOT_FOUND' }, 410: { description: 'TOKEN_EXPIRED or TOKEN_USED' } };

export const accountsRoutes = defineRoutes('accounts', {
  getAccountSetup: {
    method: 'GET',
    path: '/v1/account-setup/{token}',
    summary: 'The account-setup page ("[TTE] Informasi Akun"): the authenticator secret, QR code and otpauth URI (the same until setup completes)',
    access: 'public',
    params: tokenParams,
    responses: {
      200: { description: 'Setup', schema: z.object({ email: z.string(), fullName: z.string(), reactivation: z.boolean(), otp: authenticatorOffer }) },
      ...linkProblems,
    },
  },
  completeAccountSetup: {
    method: 'POST',
    path: '/v1/account-setup/{token}',
    summary: 'Set the password and register the first authenticator with its current code; the account becomes ACTIVE',
    access: 'public',
    params: tokenParams,
    body: z.strictObject({ password: newPassword, deviceName, otp }),
    responses: { 204: { description: 'Account active' }, 401: { description: 'INVALID_OTP' }, ...linkProblems },
  },
  login: {
    method: 'POST',
    path: '/v1/auth/login',
    summary: 'Login step 1: e-mail and password → a login ticket for the OTP step (5 minutes)',
    access: 'public',
    body: z.strictObject({ email, password: anyPassword }),
    responses: {
      200: { description: 'Password right', schema: z.object({ loginTicket: z.string(), devices: z.array(z.object({ deviceId: z.string(), name: z.string() })) }) },
      401: { description: 'INVALID_CREDENTIALS' },
      423: { description: 'ACCOUNT_LOCKED (with lockedUntil) or ACCOUNT_DISABLED' }, 503: { description: 'ATTEMPT_IN_PROGRESS (with Retry-After): another try for this account or key is being checked; send again' },
    },
  },
  loginWithOtp: {
    method: 'POST',
    path: '/v1/auth/login/otp',
    summary: 'Login step 2: the current OTP code → a session token, its CSRF token, and the session cookie',
    access: 'public',
    body: z.strictObject({ loginTicket: z.string().min(1).max(200), otp, deviceId: deviceId.optional() }),
    responses: {
      200: {
        description: 'Signed in; Set-Cookie carries the session for browsers',
        schema: z.object({
          sessionToken: z.string(), csrfToken: z.string(), expiresAt: z.string(),
          user: z.object({ userId: z.string(), role: z.enum(roles), tenantId: z.string() }),
        }),
      },
      401: { description: 'INVALID_OTP, OTP_ALREADY_USED or LOGIN_TICKET_EXPIRED' },
      423: { description: 'ACCOUNT_LOCKED or ACCOUNT_DISABLED' }, 503: { description: 'ATTEMPT_IN_PROGRESS (with Retry-After): another try for this account or key is being checked; send again' },
    },
  },
  logout: {
    method: 'POST',
    path: '/v1/auth/logout',
    summary: 'End this session (and clear the cookie)',
    access: signedIn,
    credentials: sessionOnly,
    responses: { 204: { description: 'Signed out' } },
  },
  requestPasswordReset: {
    method: 'POST',
    path: '/v1/auth/password-reset',
    summary: 'E-mail a reset-password link (1 hour) if the address has an active account; the same answer either way',
    access: 'public',
    body: z.strictObject({ email }),
    responses: { 202: { description: 'Accepted' } },
  },
  resetPassword: {
    method: 'POST',
    path: '/v1/auth/password-reset/{token}',
    summary: 'A new password, proven with a current OTP code; every session ends',
    access: 'public',
    params: tokenParams,
    body: z.strictObject({ otp, newPassword, deviceId: deviceId.optional() }),
    responses: { 204: { description: 'Password changed' }, 401: { description: 'INVALID_OTP or OTP_ALREADY_USED' }, 423: { description: 'ACCOUNT_LOCKED' }, 503: { description: 'ATTEMPT_IN_PROGRESS (with Retry-After): another try for this account or key is being checked; send again' }, ...linkProblems },
  },
  getPersonalData: {
    method: 'GET',
    path: '/v1/me/personal-data',
    summary: 'Everything the service holds about the signed-in person (UU PDP right of access), secrets aside; each export is audited',
    access: signedIn,
    credentials: sessionOnly,
    responses: { 200: { description: 'The personal data, as JSON', schema: z.record(z.string(), z.unknown()) } },
  },
  getMe: {
    method: 'GET',
    path: '/v1/me',
    summary: 'The signed-in person: profile, role, tenant, status and the CSRF token',
    access: signedIn,
    credentials: sessionOnly,
    responses: {
      200: {
        description: 'Profile',
        schema: z.object({
          userId: z.string(), fullName: z.string(), email: z.string(), role: z.enum(roles), tenantId: z.string(),
          tenantName: z.string().optional(), status: z.string(), csrfToken: z.string().optional(),
          verifierContacts: z.array(z.object({ name: z.string(), phone: z.string().optional(), email: z.string().optional() })).optional(),
        }),
      },
    },
  },
  listDevices: {
    method: 'GET',
    path: '/v1/me/devices',
    summary: 'My authenticator devices (at most 3), oldest first',
    access: signedIn,
    credentials: sessionOnly,
    responses: { 200: { description: 'Devices', schema: z.object({ items: z.array(device) }) } },
  },
  removeDevice: {
    method: 'DELETE',
    path: '/v1/me/devices/{deviceId}',
    summary: 'Remove one of my devices (never the last one)',
    access: signedIn,
    credentials: sessionOnly,
    params: z.strictObject({ deviceId }),
    responses: { 204: { description: 'Removed' }, 404: problem, 409: { description: 'LAST_DEVICE' } },
  },
  startDeviceSetup: {
    method: 'POST',
    path: '/v1/me/device-setups',
    summary: 'Start adding a device: a new secret to scan (10 minutes)',
    access: signedIn,
    credentials: sessionOnly,
    responses: { 201: { description: 'Scan this', schema: z.object({ setupId: z.string(), expiresAt: z.string(), otp: authenticatorOffer }) } },
  },
  addDevice: {
    method: 'POST',
    path: '/v1/me/devices',
    summary: 'Add the device with its first code; with three already, the oldest is removed',
    access: signedIn,
    credentials: sessionOnly,
    body: z.strictObject({ setupId: deviceId, deviceName, otp }),
    responses: { 201: { description: 'Added', schema: device }, 401: { description: 'INVALID_OTP' }, 404: { description: 'DEVICE_SETUP_NOT_FOUND' } },
  },
  requestOtpDevice: {
    method: 'POST',
    path: '/v1/otp-device-requests',
    summary: 'Lost phone, or a disabled account to restore: e-mail an otp-device link if the address has such an account; the same answer either way',
    access: 'public',
    body: z.strictObject({ email }),
    responses: { 202: { description: 'Accepted' } },
  },
  getOtpDeviceLink: {
    method: 'GET',
    path: '/v1/otp-device/{token}',
    summary: 'The otp-device page: step SELFIE (take a fresh selfie) or, after approval, REGISTER (the new authenticator secret)',
    access: 'public',
    params: tokenParams,
    responses: {
      200: {
        description: 'The step',
        schema: z.object({
          fullName: z.string(), email: z.string(), kind: z.enum(['ADD_DEVICE', 'RESET_AUTHENTICATOR']), step: z.enum(['SELFIE', 'REGISTER']), otp: authenticatorOffer.optional(),
        }),
      },
      ...linkProblems,
    },
  },
  requestSelfieUpload: {
    method: 'POST',
    path: '/v1/otp-device/{token}/photos',
    summary: 'A presigned upload for the fresh selfie (JPEG/PNG, at most 5 MB, valid 5 minutes)',
    access: 'public',
    params: tokenParams,
    body: photoUploadBody(['SELFIE']),
    responses: {
      201: { description: 'Upload with PUT', schema: photoUploadResponse },
      ...linkProblems,
    },
  },
  confirmSelfie: {
    method: 'POST',
    path: '/v1/otp-device/{token}/photos/{photoId}/confirm',
    summary: 'Check the selfie and send the request to the verifier (or approve it with a face match)',
    access: 'public',
    params: tokenParams.extend({ photoId: z.string().regex(photoIdPattern) }),
    responses: {
      200: { description: 'Submitted', schema: z.object({ status: z.enum(deviceRequestStatuses) }) },
      422: { description: 'PHOTO_INVALID' },
      ...linkProblems,
    },
  },
  registerRequestedDevice: {
    method: 'POST',
    path: '/v1/otp-device/{token}',
    summary: 'After approval: register the new authenticator with the password and its first code',
    access: 'public',
    params: tokenParams,
    body: z.strictObject({ password: anyPassword, deviceName, otp }),
    responses: {
      201: { description: 'Registered', schema: device },
      401: { description: 'INVALID_CREDENTIALS or INVALID_OTP' },
      423: { description: 'ACCOUNT_LOCKED' }, 503: { description: 'ATTEMPT_IN_PROGRESS (with Retry-After): another try for this account or key is being checked; send again' },
      ...linkProblems,
    },
  },
  listDeviceRequests: {
    method: 'GET',
    path: '/v1/otp-device-requests',
    summary: "The verifier's queue of OTP-device and reactivation requests, with both selfies (links valid 5 minutes)",
    access: ['VERIFIER'],
    query: z.strictObject({
      status: z.enum(deviceRequestStatuses).default('AWAITING_REVIEW'),
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().max(2000).optional(),
    }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(z.object({ requestId: z.string() }).loose()), nextCursor: z.string().nullable() }) } },
  },
  decideDeviceRequest: {
    method: 'POST',
    path: '/v1/otp-device-requests/{requestId}/decision',
    summary: 'Approve (a link to register the device, or to set the account up again) or reject with a reason',
    access: ['VERIFIER'],
    params: z.strictObject({ requestId: z.string().min(1).max(64) }),
    body: decisionBody,
    responses: {
      200: { description: 'Decided', schema: z.object({ status: z.enum(['APPROVED', 'REJECTED']) }) },
      404: problem,
      409: { description: 'NOT_AWAITING_REVIEW' },
    },
  },
  markCompromised: {
    method: 'POST',
    path: '/v1/users/{userId}/compromise',
    summary: "Disable an account (compromised, or staff who left): DISABLED, sessions and links revoked, the person told. A verifier: the tenant's employees; an operator: also verifiers and other operators",
    access: ['VERIFIER', 'OPERATOR'],
    params: z.strictObject({ userId: z.string().min(1).max(64) }),
    body: z.strictObject({ reason: text(1000) }),
    responses: {
      200: { description: 'Disabled', schema: z.object({ status: z.literal('DISABLED') }) },
      404: problem,
      409: { description: 'ACCOUNT_ALREADY_DISABLED, ACCOUNT_NOT_ACTIVE, CANNOT_DISABLE_SELF or LAST_OPERATOR' },
    },
  },
  reactivateStaff: {
    method: 'POST',
    path: '/v1/users/{userId}/reactivation',
    summary: 'Operator: restore a disabled verifier or operator; an account-setup link (72 h) sets a new password and authenticator, then the account is ACTIVE',
    access: ['OPERATOR'],
    params: z.strictObject({ userId: z.string().min(1).max(64) }),
    responses: {
      202: { description: 'Link sent; the account stays DISABLED until it is used', schema: z.object({ status: z.literal('DISABLED'), accountSetupExpiresAt: z.string() }) },
      404: problem,
      409: { description: 'ACCOUNT_NOT_DISABLED, or REACTIVATION_BY_REQUEST for an employee' },
    },
  },
});
