import type { z } from 'zod';
import type { Role } from '../domain/user.js';
import type { Actor } from '../domain/actor.js';
import type { RequestSession } from './auth.js';
import type { AppError } from '../domain/errors.js';
import type { ApiKeyScope } from '../domain/api-keys.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** Request bodies handed to the route as bytes. */
export const binaryBodyTypes = ['application/ocsp-request', 'application/timestamp-query', 'application/pdf'] as const;
export type BinaryMediaType = (typeof binaryBodyTypes)[number];

export type BodyType = 'application/json' | 'text/csv' | 'application/x-www-form-urlencoded' | 'multipart/form-data' | BinaryMediaType;

/** A file of a multipart form, read whole (the body limit bounds it). */
export interface UploadedFile {
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
}

/** A multipart form: its text fields (checked by the route's `body` schema) and its files by field name. */
export interface MultipartBody<F> {
  fields: F;
  files: Readonly<Record<string, readonly UploadedFile[]>>;
}

/** How a route's errors are written when its callers expect another shape than problem+json. */
export type ErrorRenderer = (error: AppError, language: 'id' | 'en') => { statusCode: number; headers: Record<string, string>; body: string };

/**
 * Who may call a route: anyone (public pages, link-token pages), or an authenticated actor in
 * one of the listed roles.
 */
export type Access = 'public' | readonly Role[];

/** How an actor proves who they are: a login session (Bearer or cookie) or an API key. */
export type CredentialKind = 'session' | 'apiKey';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json when a schema is given. */
  contentType?: string;
}

/**
 * One route, declared once. The same declaration builds the API Gateway method (CDK), routes the
 * request inside the Lambda, serves it locally, and documents it in OpenAPI.
 */
export interface RouteSpec {
  method: HttpMethod;
  path: string;
  summary: string;
  access: Access;
  /** The credentials the route accepts; both unless said otherwise (a person's own pages take sessions only). */
  credentials?: readonly CredentialKind[];
  /** The scope an integrator key needs here; integrator keys are refused on routes that name none. */
  apiKeyScope?: ApiKeyScope;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A larger body limit than the default 1 MB (documents to sign); API Gateway's own is 10 MB. */
  maxBodyBytes?: number;
  /**
   * The body's media type, JSON unless said otherwise; several when the route takes more than one
   * (the request's content type chooses). A form's fields reach `body` as strings.
   */
  bodyType?: BodyType | readonly BodyType[];
  /** Problem+json unless the route's callers expect another error shape (the BSrE-compatible paths). */
  errorRenderer?: ErrorRenderer;
  responses: Readonly<Record<number, ResponseSpec>>;
}

export interface RouteTable<R extends Record<string, RouteSpec> = Record<string, RouteSpec>> {
  /** The bounded context, which is also the Lambda function serving these routes. */
  context: string;
  routes: R;
  /**
   * A path prefix API Gateway forwards whole to the function (`<prefix>` and `<prefix>/{proxy+}`,
   * any method), whose router then matches the path itself. For a context of many routes (the
   * pages): a resource and a method per route would spend the stack's 500 resources.
   */
  gatewayProxy?: string;
}

export function defineRoutes<const R extends Record<string, RouteSpec>>(context: string, routes: R, options: { gatewayProxy?: string } = {}): RouteTable<R> {
  return { context, routes, ...options };
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

type BodyOf<T, S extends RouteSpec> = T extends 'text/csv' ? string
  : T extends BinaryMediaType ? Uint8Array
    : T extends 'multipart/form-data' ? MultipartBody<Infer<S['body']>>
      : Infer<S['body']>;

export interface RouteRequest<S extends RouteSpec> {
  params: Infer<S['params']>;
  query: Infer<S['query']>;
  body: S['bodyType'] extends readonly (infer T)[] ? BodyOf<T, S> : BodyOf<S['bodyType'], S>;
  /** Present on every route whose access names roles. */
  actor: S['access'] extends 'public' ? undefined : Actor;
  /** The login session, when the actor came with one. */
  session?: RequestSession;
  requestId: string;
  sourceIp: string;
  language: 'id' | 'en';
  /** The request's headers, names in lower case (the web pages pass the browser's cookie on). */
  headers: Readonly<Record<string, string | undefined>>;
}

export interface Reply {
  status: number;
  /** JSON for objects, as is for text; bytes are sent as binary (base64 to API Gateway). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** One function per operation: the compiler checks that a context implements its whole table. */
export type RouteActions<R extends Record<string, RouteSpec>> = {
  [K in keyof R]: (request: RouteRequest<R[K]>) => Promise<Reply>;
};
