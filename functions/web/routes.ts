import * as z from 'zod';
import { defineRoutes } from '../../shared/http/route.js';
import { activationRoutes } from './flows/activation.js';
import { accountSetupRoutes } from './flows/account-setup.js';
import { apiKeyRoutes } from './flows/api-keys.js';
import { tenantPageRoutes } from './flows/tenants.js';
import { billingPageRoutes } from './flows/billing.js';
import { auditPageRoutes } from './flows/audit.js';
import { consoleRoutes } from './flows/console.js';
import { enrollRoutes } from './flows/enroll.js';
import { loginRoutes } from './flows/login.js';
import { meRoutes } from './flows/me.js';
import { selfServiceRoutes } from './flows/self-service.js';
import { signRoutes } from './flows/sign.js';
import { verifyRoutes } from './flows/verify.js';
import { dataChangeRoutes } from './flows/data-change.js';
import { helpRoutes } from './flows/help.js';
import { applyPageRoutes } from './flows/apply.js';
import { contactPageRoutes } from './flows/contacts.js';
import { tenantSelfServiceRoutes } from './flows/tenant-self-service.js';
import { consentStatementPageRoutes } from './flows/consent-statement.js';
import { emailStatusPageRoutes } from './flows/email-status.js';
import { page } from './route-parts.js';

/** The pages people use in a browser (API.md "Web pages"), and the files they load. */
export const webRoutes = defineRoutes('web', {
  home: {
    method: 'GET',
    path: '/web',
    summary: 'Home page: what the service is and what the e-mails ask of a person',
    access: 'public',
    responses: { 200: page('The home page') },
  },
  asset: {
    method: 'GET',
    path: '/web/assets/{file}',
    summary: 'A stylesheet or script of the pages; its name carries its content hash, so it is cached for a year',
    access: 'public',
    params: z.strictObject({ file: z.string().min(1).max(100) }),
    responses: { 200: { description: 'The file' }, 404: page('Unknown file') },
  },
  // Any other path under /web: the Indonesian not-found page (API Gateway would answer JSON).
  notFound: {
    method: 'GET',
    path: '/web/{path+}',
    summary: 'Any other page address: the Indonesian not-found page',
    access: 'public',
    params: z.strictObject({ path: z.string() }),
    responses: { 404: page('Halaman tidak ditemukan') },
  },
  ...loginRoutes,
  ...activationRoutes,
  ...accountSetupRoutes,
  ...enrollRoutes,
  ...meRoutes,
  ...consoleRoutes,
  ...apiKeyRoutes,
  ...tenantPageRoutes,
  ...billingPageRoutes,
  ...auditPageRoutes,
  ...selfServiceRoutes,
  ...signRoutes,
  ...verifyRoutes,
  ...dataChangeRoutes,
  ...helpRoutes,
  ...applyPageRoutes,
  ...contactPageRoutes,
  ...tenantSelfServiceRoutes,
  ...consentStatementPageRoutes,
  ...emailStatusPageRoutes,
}, { gatewayProxy: '/web' });
