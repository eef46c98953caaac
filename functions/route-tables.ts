import type { RouteTable } from '../shared/http/route.js';
import { accountsRoutes } from './accounts/routes.js';
import { certificatesRoutes } from './certificates/routes.js';
import { docsRoutes } from './docs/routes.js';
import { enrollmentRoutes } from './enrollment/routes.js';
import { pkiRoutes } from './pki/routes.js';
import { signingRoutes } from './signing/routes.js';
import { operatorRoutes } from './operator/routes.js';
import { verificationRoutes } from './verification/routes.js';
import { webRoutes } from './web/routes.js';

/** Every HTTP context's route table: the API Gateway, the local gateway and OpenAPI read this. */
export const routeTables: readonly RouteTable[] = [enrollmentRoutes, accountsRoutes, certificatesRoutes, signingRoutes, verificationRoutes, operatorRoutes, pkiRoutes, webRoutes, docsRoutes];
