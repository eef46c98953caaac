import * as z from 'zod';
import { binaryBodyTypes, type BodyType, type RouteSpec, type RouteTable } from './route.js';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail', 'errors'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

function parameters(spec: RouteSpec) {
  const fromSchema = (schema: z.ZodObject | undefined, location: 'path' | 'query') =>
    Object.entries(schema?.shape ?? {}).map(([name, field]) => ({
      name,
      in: location,
      required: location === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      schema: jsonSchema(field as z.ZodType, 'input'),
    }));
  return [...fromSchema(spec.params, 'path'), ...fromSchema(spec.query, 'query')];
}

function operation(operationId: string, context: string, spec: RouteSpec) {
  const responses = Object.fromEntries(Object.entries(spec.responses).map(([status, response]) => {
    const isError = Number(status) >= 400;
    const content = response.schema
      ? { [response.contentType ?? 'application/json']: { schema: jsonSchema(response.schema, 'output') } }
      : isError ? { 'application/problem+json': { schema: problemSchema } }
        : response.contentType ? { [response.contentType]: {} } : undefined;
    return [status, { description: response.description, ...(content ? { content } : {}) }];
  }));
  return {
    operationId,
    tags: [context],
    summary: spec.summary,
    ...(spec.access === 'public' ? { security: [] } : { security: [{ apiKey: [] }], 'x-roles': spec.access }),
    parameters: parameters(spec),
    ...(spec.body || spec.bodyType
      ? {
        requestBody: {
          required: true,
          content: Object.fromEntries(bodyTypesOf(spec).map((type) => [type, { schema: requestSchema(spec, type) }])),
        },
      }
      : {}),
    responses: {
      ...responses,
      default: { description: 'Problem', content: { 'application/problem+json': { schema: problemSchema } } },
    },
  };
}

/** The OpenAPI document, generated from the same route tables that build the API. */
export function buildOpenApi(tables: readonly RouteTable[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const table of tables) {
    for (const [operationId, spec] of Object.entries(table.routes)) {
      (paths[spec.path] ??= {})[spec.method.toLowerCase()] = operation(operationId, table.context, spec);
    }
  }
  return {
    openapi: '3.0.3',
    info,
    paths,
    components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
  };
}

function bodyTypesOf(spec: RouteSpec): readonly BodyType[] {
  return spec.bodyType === undefined ? ['application/json'] : typeof spec.bodyType === 'string' ? [spec.bodyType] : spec.bodyType;
}

function requestSchema(spec: RouteSpec, type: BodyType): unknown {
  if (type === 'text/csv') return { type: 'string' };
  if ((binaryBodyTypes as readonly string[]).includes(type) || !spec.body) return { type: 'string', format: 'binary' };
  // A multipart form's text fields as the schema's properties; its files are binary parts beside them.
  return jsonSchema(spec.body, 'input');
}
