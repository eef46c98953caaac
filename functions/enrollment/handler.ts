import type { Logger } from '@aws-lambda-powertools/logger';
import { required } from '../../shared/config.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { createKmsClient } from '../../shared/adapters/aws/clients.js';
import { KmsSealer } from '../../shared/adapters/aws/kms-sealer.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { messageComposer } from '../../shared/outbox.js';
import type { TenantDirectory, UserDirectory } from '../../shared/ports/directory.js';
import type { Clock, IdGenerator } from '../../shared/ports/runtime.js';
import type { Sealer } from '../../shared/ports/sealer.js';
import { cachedTenants } from '../../shared/tenants.js';
import { enrollmentRoutes } from './routes.js';
import { getActivation } from './use-cases/get-activation.js';
import { getUser } from './use-cases/get-user.js';
import { listUsers } from './use-cases/list-users.js';
import { registerUser } from './use-cases/register-user.js';
import { resendActivationLink } from './use-cases/resend-activation-link.js';

export interface EnrollmentPorts {
  directory: TenantDirectory & UserDirectory;
  sealer: Sealer;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  settings: { webBaseUrl: string; activationLinkHours: number; privacyMinReadSeconds: number };
}

export function createEnrollmentHandler(ports: EnrollmentPorts): HttpHandler {
  const tenants = cachedTenants(ports.directory);
  const composer = messageComposer(ports);
  const users = ports.directory;
  const linkDeps = { tenants, users, composer, clock: ports.clock, ids: ports.ids, settings: ports.settings };

  return createHttpHandler(enrollmentRoutes, {
    registerUser: async ({ actor, body }) => ({ status: 201, body: await registerUser(linkDeps, { actor, ...body }) }),
    listUsers: async ({ actor, query }) => ({ status: 200, body: await listUsers(users, { actor, ...query }) }),
    getUser: async ({ actor, params }) => ({ status: 200, body: await getUser(users, { actor, userId: params.userId }) }),
    resendActivationLink: async ({ actor, params }) => ({
      status: 202,
      body: await resendActivationLink(linkDeps, { actor, userId: params.userId }),
    }),
    getActivation: async ({ params }) => ({
      status: 200,
      body: await getActivation({ tenants, users, clock: ports.clock, settings: ports.settings }, { token: params.token }),
    }),
  }, { directory: ports.directory, logger: ports.logger });
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('enrollment');
  return createEnrollmentHandler({
    ...base,
    sealer: new KmsSealer(createKmsClient(), required(base.config, 'SEALING_KEY_ID')),
    settings: {
      webBaseUrl: base.config.WEB_BASE_URL,
      activationLinkHours: base.config.ACTIVATION_LINK_HOURS,
      privacyMinReadSeconds: base.config.PRIVACY_MIN_READ_SECONDS,
    },
  });
});
