import * as z from 'zod';
import { defineRoutes } from '../../shared/http/route.js';

export const docsRoutes = defineRoutes('docs', {
  getOpenApi: {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API as an OpenAPI 3 document',
    access: 'public',
    responses: { 200: { description: 'OpenAPI document', schema: z.object({ openapi: z.string() }).loose() } },
  },
});
