import { required } from '../../shared/config.js';
import { createKmsClient, createS3Client } from '../../shared/adapters/aws/clients.js';
import { DynamoAccountStore } from '../../shared/adapters/aws/dynamo-accounts.js';
import { DynamoDeviceRequestStore } from '../../shared/adapters/aws/dynamo-device-requests.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import { KmsSealer } from '../../shared/adapters/aws/kms-sealer.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { argon2Hasher } from '../../shared/crypto/passwords.js';
import { Authenticator } from '../../shared/http/auth.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { clearedSessionCookie, sessionCookie } from '../../shared/http/session-cookie.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { messageComposer } from '../../shared/outbox.js';
import type { TenantDirectory } from '../../shared/ports/tenants.js';
import { cachedTenants } from '../../shared/tenants.js';
import { accountsRoutes } from './routes.js';
import { completeAccountSetup, getAccountSetup } from './use-cases/account-setup.js';
import { markCompromised } from './use-cases/compromise.js';
import { reactivateStaff } from './use-cases/reactivate-staff.js';
import type { AccountsDeps } from './use-cases/deps.js';
import { PUBLIC_REQUEST_FLOOR_MS } from './use-cases/guards.js';
import { exportPersonalData } from './use-cases/personal-data.js';
import { DynamoPersonalData } from '../../shared/adapters/aws/dynamo-personal-data.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import {
  confirmSelfie, decideDeviceRequest, getOtpDeviceLink, listDeviceRequests, registerRequestedDevice, requestOtpDevice, requestSelfieUpload,
} from './use-cases/device-requests.js';
import { addDevice, listDevices, removeDevice, startDeviceSetup } from './use-cases/devices.js';
import { loginWithOtp, loginWithPassword, logout } from './use-cases/login.js';
import { getMe } from './use-cases/me.js';
import { requestPasswordReset, resetPassword } from './use-cases/password-reset.js';

export type AccountsPorts = Omit<AccountsDeps, 'composer' | 'tenants'> & { tenants: TenantDirectory };

export function createAccountsHandler(ports: AccountsPorts): HttpHandler {
  const tenants = cachedTenants(ports.tenants);
  const deps: AccountsDeps = { ...ports, tenants, composer: messageComposer(ports) };
  // Browsers get the session in a cookie; Secure wherever the service is served over https.
  const secure = deps.settings.webBaseUrl.startsWith('https:');
  const noContent = { status: 204 };

  return createHttpHandler(accountsRoutes, {
    getAccountSetup: async ({ params }) => ({ status: 200, body: await getAccountSetup(deps, params) }),
    completeAccountSetup: async ({ params, body }) => {
      await completeAccountSetup(deps, { token: params.token, ...body });
      return noContent;
    },
    login: async ({ body }) => ({ status: 200, body: await loginWithPassword(deps, body) }),
    loginWithOtp: async ({ body }) => {
      const session = await loginWithOtp(deps, body);
      const maxAgeSeconds = (new Date(session.expiresAt).getTime() - deps.clock.now().getTime()) / 1000;
      return { status: 200, body: session, headers: { 'set-cookie': sessionCookie(session.sessionToken, { secure, maxAgeSeconds }) } };
    },
    logout: async ({ actor, session }) => {
      await logout(deps, { userId: actor.actorId, sessionHash: session!.sessionHash });
      return { status: 204, headers: { 'set-cookie': clearedSessionCookie({ secure }) } };
    },
    requestPasswordReset: async ({ body }) => {
      await requestPasswordReset(deps, body);
      return { status: 202 };
    },
    resetPassword: async ({ params, body }) => {
      await resetPassword(deps, { token: params.token, ...body });
      return noContent;
    },
    getPersonalData: async ({ actor }) => ({
      status: 200,
      body: await exportPersonalData(deps, { actor }),
      headers: { 'content-disposition': 'attachment; filename="data-pribadi.json"', 'cache-control': 'no-store' },
    }),
    getMe: async ({ actor, session }) => ({ status: 200, body: await getMe(deps, { actor, ...(session ? { csrfToken: session.csrfToken } : {}) }) }),
    listDevices: async ({ actor }) => ({ status: 200, body: await listDevices(deps, { actor }) }),
    removeDevice: async ({ actor, params }) => {
      await removeDevice(deps, { actor, deviceId: params.deviceId });
      return noContent;
    },
    startDeviceSetup: async ({ actor }) => ({ status: 201, body: await startDeviceSetup(deps, { actor }) }),
    addDevice: async ({ actor, body }) => ({ status: 201, body: await addDevice(deps, { actor, ...body }) }),
    requestOtpDevice: async ({ body }) => {
      await requestOtpDevice(deps, body);
      return { status: 202 };
    },
    getOtpDeviceLink: async ({ params }) => ({ status: 200, body: await getOtpDeviceLink(deps, params) }),
    requestSelfieUpload: async ({ params, body }) => ({ status: 201, body: await requestSelfieUpload(deps, { token: params.token, ...body }) }),
    confirmSelfie: async ({ params }) => ({ status: 200, body: await confirmSelfie(deps, params) }),
    registerRequestedDevice: async ({ params, body }) => ({ status: 201, body: await registerRequestedDevice(deps, { token: params.token, ...body }) }),
    listDeviceRequests: async ({ actor, query }) => ({ status: 200, body: await listDeviceRequests(deps, { actor, ...query }) }),
    decideDeviceRequest: async ({ actor, params, body }) => ({ status: 200, body: await decideDeviceRequest(deps, { actor, requestId: params.requestId, ...body }) }),
    markCompromised: async ({ actor, params, body }) => ({ status: 200, body: await markCompromised(deps, { actor, userId: params.userId, reason: body.reason }) }),
    reactivateStaff: async ({ actor, params }) => ({ status: 202, body: await reactivateStaff(deps, { actor, userId: params.userId }) }),
  }, {
    authenticator: new Authenticator({ apiKeys: tenants, tenants, sessions: { store: deps.sessions, idleMinutes: deps.settings.sessionIdleMinutes }, clock: deps.clock }),
    logger: ports.logger,
  });
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('accounts');
  const table = base.config.TABLE_NAME;
  const accounts = new DynamoAccountStore(base.dynamo, table);
  return createAccountsHandler({
    ...base,
    accounts,
    lockouts: accounts,
    sessions: new DynamoSessionStore(base.dynamo, table),
    requests: new DynamoDeviceRequestStore(base.dynamo, table),
    personalData: new DynamoPersonalData(base.dynamo, table),
    audit: new DynamoAuditTrail(base.dynamo, table),
    photos: new S3PhotoStore(createS3Client(), required(base.config, 'PHOTO_BUCKET')),
    passwords: argon2Hasher,
    sealer: new KmsSealer(createKmsClient(), required(base.config, 'SEALING_KEY_ID')),
    settings: {
      webBaseUrl: base.config.WEB_BASE_URL,
      serviceName: base.config.SERVICE_NAME,
      sessionIdleMinutes: base.config.SESSION_IDLE_MINUTES,
      sessionMaxHours: base.config.SESSION_MAX_HOURS,
      publicRequestFloorMs: PUBLIC_REQUEST_FLOOR_MS,
    },
  });
});
