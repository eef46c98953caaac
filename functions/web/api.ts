import type { z } from 'zod';
import { errorCatalog, type ErrorCode } from '../../shared/domain/errors.js';
import type { RouteRequest, RouteSpec, RouteTable } from '../../shared/http/route.js';
import type { ApiClient } from '../../shared/ports/api-client.js';
import { helpHref } from '../../shared/web/help.js';

/** An API error as the pages read it: the problem+json body (API.md "Conventions"). */
export interface Problem {
  status: number;
  code: ErrorCode;
  detail: string;
  errors: readonly { field: string; code: string; message: string }[];
  /** The help page's entry for this problem (its code, or the first field's code that has one). */
  help?: string;
  [extension: string]: unknown;
}

type SchemaOf<S extends RouteSpec, Status extends number> = S['responses'] extends Record<Status, { schema: infer Z extends z.ZodType }> ? z.infer<Z> : never;
/** The body of a route's success answer, from the schema its table declares. */
export type SuccessBody<S extends RouteSpec> = SchemaOf<S, 200> | SchemaOf<S, 201> | SchemaOf<S, 202> | (S['responses'] extends Record<204, unknown> ? undefined : never);

export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; status: number; problem: Problem; headers: Readonly<Record<string, string>> };

/** A file the API answered (a signed PDF): its bytes and headers, or the problem. */
export type FileResult = { ok: true; status: number; bytes: Uint8Array; headers: Readonly<Record<string, string>> } | { ok: false; status: number; problem: Problem; headers: Readonly<Record<string, string>> };

export interface CallInput {
  params?: Record<string, string>;
  query?: Record<string, string | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as text/csv instead of JSON. */
  csv?: string;
  /** Sent as bytes with this content type (a PDF to verify). */
  file?: { contentType: string; bytes: Uint8Array };
  /** The session's CSRF token as the X-CSRF-Token header (a CSV body has no field to carry it). */
  csrfToken?: string;
  /** Headers of the call itself beside the browser's, e.g. Idempotency-Key. */
  headers?: Readonly<Record<string, string>>;
}

// The browser's own headers that an API call carries on: its session and its language.
const forwardedHeaders = ['cookie', 'accept-language', 'user-agent'] as const;

/**
 * The API as one page request sees it: each call goes to the owning context with the browser's
 * cookie, language and address, so the API's own checks (session, role, tenant, CSRF, limits)
 * apply unchanged. Cookies the API sets (login, logout) are collected for the page's answer.
 */
export class PageApi {
  readonly setCookies: string[] = [];

  /** `basePath`: where the pages (and the help page) live, for the problems' help links. */
  constructor(private readonly client: ApiClient, private readonly request: RouteRequest<RouteSpec>, private readonly basePath = '') {}

  async call<R extends Record<string, RouteSpec>, K extends keyof R & string>(
    table: RouteTable<R>,
    operation: K,
    input: CallInput = {},
  ): Promise<ApiResult<SuccessBody<R[K]>>> {
    const answer = await this.send(table, operation, input);
    const text = answer.body.toString('utf8');
    const parsed: unknown = text && /json/.test(answer.headers['content-type'] ?? '') ? JSON.parse(text) : undefined;
    if (answer.status < 400) return { ok: true, status: answer.status, body: parsed as SuccessBody<R[K]> };
    return { ok: false, status: answer.status, problem: withHelp(asProblem(answer.status, parsed), this.basePath), headers: answer.headers };
  }

  /** A route that answers a file (a signed PDF): its bytes as they came, or the problem. */
  async file<R extends Record<string, RouteSpec>, K extends keyof R & string>(table: RouteTable<R>, operation: K, input: CallInput = {}): Promise<FileResult> {
    const answer = await this.send(table, operation, input);
    if (answer.status < 400) return { ok: true, status: answer.status, bytes: new Uint8Array(answer.body), headers: answer.headers };
    const text = answer.body.toString('utf8');
    const parsed: unknown = text && /json/.test(answer.headers['content-type'] ?? '') ? JSON.parse(text) : undefined;
    return { ok: false, status: answer.status, problem: asProblem(answer.status, parsed), headers: answer.headers };
  }

  private async send(table: RouteTable, operation: string, input: CallInput) {
    const spec = table.routes[operation]!;
    const headers: Record<string, string> = {};
    for (const name of forwardedHeaders) {
      const value = this.request.headers[name];
      if (value) headers[name] = value;
    }
    for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
    if (input.csrfToken) headers['x-csrf-token'] = input.csrfToken;
    let body: Buffer | undefined;
    if (input.file) {
      headers['content-type'] = input.file.contentType;
      body = Buffer.from(input.file.bytes.buffer, input.file.bytes.byteOffset, input.file.bytes.byteLength);
    } else if (input.csv !== undefined) {
      headers['content-type'] = 'text/csv; charset=utf-8';
      body = Buffer.from(input.csv, 'utf8');
    } else if (input.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = Buffer.from(JSON.stringify(input.body), 'utf8');
    }
    const query = Object.fromEntries(Object.entries(input.query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
    const answer = await this.client.send({
      context: table.context,
      method: spec.method,
      resource: spec.path,
      ...(input.params ? { pathParameters: input.params } : {}),
      query,
      headers,
      ...(body ? { body } : {}),
      sourceIp: this.request.sourceIp,
      requestId: this.request.requestId,
    });
    if (answer.headers['set-cookie']) this.setCookies.push(answer.headers['set-cookie']);
    return answer;
  }
}

function withHelp(problem: Problem, basePath: string): Problem {
  const help = [...problem.errors.map((error) => error.code), problem.code].map((code) => helpHref(basePath, code)).find(Boolean);
  return help ? { ...problem, help } : problem;
}

function asProblem(status: number, body: unknown): Problem {
  const candidate = (typeof body === 'object' && body !== null ? body : {}) as Partial<Problem>;
  const code = typeof candidate.code === 'string' && candidate.code in errorCatalog ? candidate.code : 'INTERNAL_ERROR';
  return {
    ...candidate,
    status,
    code,
    detail: typeof candidate.detail === 'string' ? candidate.detail : errorCatalog[code].id,
    errors: Array.isArray(candidate.errors) ? candidate.errors : [],
  };
}
