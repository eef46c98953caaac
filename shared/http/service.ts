import middy from '@middy/core';
import * as z from 'zod';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { AppError } from '../domain/errors.js';
import type { Authenticator } from './auth.js';
import { preferredLanguage, problemResponse, toAppError } from './problem.js';
import { binaryBodyTypes, type BinaryMediaType, type BodyType, type ErrorRenderer, type MultipartBody, type Reply, type UploadedFile, type RouteActions, type RouteRequest, type RouteSpec, type RouteTable } from './route.js';
import { parseOrThrow } from '../validation.js';
import { csrfSatisfied } from './session-cookie.js';
import { withRequestOrigin } from '../request-origin.js';
import { compileRoutes, matchRoute, type CompiledRoute } from './route-match.js';
import { pageHeaders } from '../web/headers.js';
import { errorPage } from '../web/error-page.js';

export const MAX_BODY_BYTES = 1024 * 1024;

// The same media types @middy/http-json-body-parser parses: application/json and +json.
const jsonContentType = /^application\/(?:.+\+)?json(?:$|;)/i;

export type HttpHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface HttpServiceDeps {
  authenticator: Authenticator;
  logger: Logger;
  /**
   * For a context that serves pages: HTML headers on every response (not the JSON defaults) and
   * errors as an Indonesian page, never problem+json. `basePath` is where the pages live.
   */
  pages?: { basePath: string };
}

/** Rejects oversized bodies (over the route's own limit, else 1 MB) before anything parses them. */
const bodySizeLimit = (limitOf: (event: APIGatewayProxyEvent) => number): middy.MiddlewareObj<APIGatewayProxyEvent> => ({
  before: ({ event }) => {
    const limit = limitOf(event);
    if (event.body && Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') > limit) {
      const megabytes = Math.floor(limit / (1024 * 1024));
      throw new AppError('PAYLOAD_TOO_LARGE', [], limit === MAX_BODY_BYTES ? {} : {
        detail: { id: `Isi permintaan terlalu besar (maksimal ${megabytes} MB).`, en: `The request body is too large (${megabytes} MB at most).` },
      });
    }
  },
});

/**
 * The one place errors become responses: typed ones by their code, the rest as 500 and logged.
 * The API answers problem+json; pages answer an Indonesian page with the same status.
 */
const problemErrorHandler = (
  logger: Logger,
  pages: HttpServiceDeps['pages'],
  rendererOf: (event: APIGatewayProxyEvent) => ErrorRenderer | undefined,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  onError: (request) => {
    const { appError, unexpected } = toAppError(request.error);
    if (unexpected) logger.error('Request failed', { error: request.error as Error, path: request.event.resource });
    if (pages) {
      request.response = { statusCode: appError.status, headers: pageHeaders(), body: errorPage(pages.basePath, appError, request.event.path ?? '') };
      return;
    }
    const language = preferredLanguage(request.event.headers?.['accept-language']);
    const renderer = rendererOf(request.event);
    request.response = renderer ? renderer(appError, language) : problemResponse(appError, language, request.event.requestContext?.requestId);
  },
});

/**
 * Where API Gateway forwards a whole prefix (RouteTable.gatewayProxy), the event names the proxy
 * resource: the route is found here from the path, and the event is given the route's resource
 * and parameters, as if API Gateway had matched it. A path no route knows keeps the proxy
 * resource, and the router answers it as unknown.
 */
function proxiedRoute(prefix: string, routes: CompiledRoute[]): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const proxyResources = new Set([prefix, `${prefix}/{proxy+}`]);
  return {
    before: (request) => {
      const { event } = request;
      if (!proxyResources.has(event.resource)) return;
      // The proxy parameter arrives decoded: the path is rebuilt from it, not from event.path,
      // which also carries a custom domain's base path.
      const rest = event.pathParameters?.proxy;
      const matched = matchRoute(routes, event.httpMethod, rest ? `${prefix}/${rest}` : prefix, (segment) => segment);
      if ('miss' in matched) return;
      request.event = { ...event, resource: matched.route.resource, pathParameters: matched.pathParameters };
    },
  };
}

function routeKey(method: string, resource: string): string {
  return `${method.toUpperCase()} ${resource}`;
}

/**
 * The Lambda entry for one context: middy's HTTP stack, then the route table decides the rest.
 * API Gateway (or the local gateway) has already matched the route and gives its resource path.
 */
export function createHttpHandler<R extends Record<string, RouteSpec>>(
  table: RouteTable<R>,
  actions: RouteActions<R>,
  deps: HttpServiceDeps,
): HttpHandler {
  const { authenticator } = deps;
  const byKey = new Map<string, [RouteSpec, (request: RouteRequest<RouteSpec>) => Promise<Reply>]>();
  for (const [operationId, spec] of Object.entries(table.routes)) {
    byKey.set(routeKey(spec.method, spec.path), [spec, actions[operationId] as never]);
  }

  const dispatch = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const entry = byKey.get(routeKey(event.httpMethod, event.resource));
    if (!entry) throw new AppError('ROUTE_NOT_FOUND');
    const [spec, action] = entry;
    const headers = event.headers ?? {};
    const authentication = await authenticator.authenticate(spec, headers);
    const session = authentication?.session;
    // A form may send the CSRF token as a field; it is the kernel's, not the route's.
    const { body, csrfField } = withoutCsrfField(event.body, session?.viaCookie ?? false);
    const given = headers['x-csrf-token'] ?? csrfField;
    if (session && !csrfSatisfied({ method: event.httpMethod, viaCookie: session.viaCookie, expected: session.csrfToken, given })) {
      throw new AppError('CSRF_TOKEN_INVALID');
    }
    const request: RouteRequest<RouteSpec> = {
      params: spec.params ? parseOrThrow(spec.params, event.pathParameters ?? {}, 'params') : undefined,
      query: spec.query ? parseOrThrow(spec.query, event.queryStringParameters ?? {}, 'query') : undefined,
      body: await parseBody(spec, { ...event, body: body as string | null }),
      actor: authentication?.actor as never,
      ...(session ? { session } : {}),
      requestId: event.requestContext?.requestId ?? 'unknown',
      sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
      language: preferredLanguage(headers['accept-language']),
      headers,
    };
    const reply = await withRequestOrigin({ requestId: request.requestId, sourceIp: request.sourceIp }, () => action(request));
    const isBinary = reply.body instanceof Uint8Array;
    const isJson = reply.body !== undefined && typeof reply.body !== 'string' && !isBinary;
    return {
      statusCode: reply.status,
      headers: {
        ...(deps.pages ? pageHeaders() : {}),
        ...(isJson ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'cache-control': 'no-store',
        ...reply.headers,
      },
      // Bytes go to API Gateway as base64; it sends them on as binary (binary media types '*/*').
      ...(isBinary
        ? { body: Buffer.from(reply.body as Uint8Array).toString('base64'), isBase64Encoded: true }
        : { body: reply.body === undefined ? '' : isJson ? JSON.stringify(reply.body) : (reply.body as string) }),
    };
  };

  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult>();
  if (table.gatewayProxy) chain.use(proxiedRoute(table.gatewayProxy, compileRoutes([table])));
  chain.use(httpHeaderNormalizer());
  // Middy's defaults are made for JSON (a sandbox CSP, no camera); pages carry their own set.
  if (!deps.pages) chain.use(httpSecurityHeaders());
  return chain
    .use(problemErrorHandler(deps.logger, deps.pages, (event) => byKey.get(routeKey(event.httpMethod, event.resource))?.[0].errorRenderer))
    .use(bodySizeLimit((event) => byKey.get(routeKey(event.httpMethod, event.resource))?.[0].maxBodyBytes ?? MAX_BODY_BYTES))
    .use(httpJsonBodyParser({ disableContentTypeError: true }))
    .handler(dispatch) as unknown as HttpHandler;
}

function withoutCsrfField(body: unknown, viaCookie: boolean): { body: unknown; csrfField?: string } {
  if (!viaCookie || typeof body !== 'object' || body === null || Array.isArray(body) || !('csrfToken' in body)) return { body };
  const { csrfToken, ...rest } = body as Record<string, unknown>;
  return { body: rest, ...(typeof csrfToken === 'string' ? { csrfField: csrfToken } : {}) };
}

/** A form's fields when the route names none: any, as bounded strings. */
const formFields = z.record(z.string().max(100), z.string().max(MAX_BODY_BYTES));

const isBinaryBodyType = (type: BodyType): type is BinaryMediaType => (binaryBodyTypes as readonly string[]).includes(type);

const textOf = (event: APIGatewayProxyEvent): string =>
  typeof event.body === 'string' ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';

const bytesOf = (event: APIGatewayProxyEvent): Uint8Array =>
  typeof event.body === 'string' && event.body !== '' ? new Uint8Array(Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'latin1')) : new Uint8Array();

/** The route's body type that the request's content type names (JSON when the request names none and the route takes it). */
function chosenBodyType(spec: RouteSpec, contentType: string): BodyType {
  const accepted: readonly BodyType[] = spec.bodyType === undefined ? ['application/json'] : typeof spec.bodyType === 'string' ? [spec.bodyType] : spec.bodyType;
  if (accepted.length === 1) return accepted[0]!;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  const chosen = accepted.find((type) => (type === 'application/json' ? jsonContentType.test(contentType) : type === mediaType));
  if (!chosen) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  return chosen;
}

async function parseBody(spec: RouteSpec, event: APIGatewayProxyEvent): Promise<unknown> {
  const body: unknown = event.body;
  const contentType = event.headers?.['content-type'] ?? '';
  const bodyType = chosenBodyType(spec, contentType);
  if (isBinaryBodyType(bodyType)) {
    if (contentType.split(';')[0]!.trim().toLowerCase() !== bodyType) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    return bytesOf(event);
  }
  if (bodyType === 'multipart/form-data') {
    if (!/^multipart\/form-data\b/i.test(contentType)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    return parseMultipart(spec, contentType, bytesOf(event));
  }
  if (bodyType === 'application/x-www-form-urlencoded') {
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    return parseOrThrow(spec.body ?? formFields, Object.fromEntries(new URLSearchParams(textOf(event))), 'body');
  }
  if (bodyType === 'text/csv') {
    if (!/^text\/csv\b/i.test(contentType)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    return textOf(event);
  }
  if (!spec.body) {
    // Routes without a body accept none (an empty JSON object is tolerated from generic clients).
    const empty = body === undefined || body === null || body === '' || (typeof body === 'object' && Object.keys(body).length === 0);
    if (!empty) throw new AppError('VALIDATION_FAILED', [{ field: 'body', code: 'UNKNOWN_FIELD' }]);
    return undefined;
  }
  // The JSON parser only parsed JSON content types; anything else with a body is not for this route.
  if (body !== undefined && body !== null && body !== '' && !jsonContentType.test(contentType)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  return parseOrThrow(spec.body, body ?? undefined, 'body');
}

/** Multipart forms are read by the platform's own parser (undici's `Request.formData`), never by hand. */
async function parseMultipart(spec: RouteSpec, contentType: string, bytes: Uint8Array): Promise<MultipartBody<unknown>> {
  let form: FormData;
  try {
    form = await new Request('http://multipart.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: bytes }).formData();
  } catch {
    throw new AppError('MALFORMED_REQUEST');
  }
  const fields: Record<string, string> = {};
  const files: Record<string, UploadedFile[]> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      fields[name] = value;
    } else if (value.size > 0) {
      // (A browser sends an empty part for a file input left empty: that is no file.)
      (files[name] ??= []).push({ fileName: value.name, contentType: value.type, bytes: new Uint8Array(await value.arrayBuffer()) });
    }
  }
  return { fields: parseOrThrow(spec.body ?? formFields, fields, 'body'), files };
}
