import fc from 'fast-check';
import { ListBucketsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { routeTables } from '../../functions/route-tables.js';
import { compileRoutes, matchRoute } from '../../shared/http/route-match.js';
import type { RouteSpec } from '../../shared/http/route.js';
import { MAX_BODY_BYTES } from '../../shared/http/service.js';
import { accountsClient, sitiAminah } from './accounts-flow.js';
import { allTableItems, type bootLocalRuntime, isEmailDeliveryRecord } from './runtime.js';

/**
 * The fuzz sweep's generator, shared by `fuzz-sweep.test.ts` (a bounded count, in `npm test`) and
 * the bench's `fuzz` section (a long run). Operations come from the served OpenAPI document, so a
 * route added later is fuzzed without anyone listing it here; bodies are generated from each
 * operation's request schema (a valid-looking one) and then broken in the ways clients break them.
 */

// ---- The operations, from the OpenAPI document --------------------------------------------------

type JsonSchema = {
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  nullable?: boolean;
};

interface OpenApiDocument {
  paths: Record<string, Record<string, {
    operationId: string;
    parameters?: { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }[];
    requestBody?: { content: Record<string, { schema: JsonSchema }> };
  }>>;
}

export interface FuzzOperation {
  key: string;
  method: string;
  path: string;
  spec: RouteSpec;
  /** The media types the operation's request body may have, as the document lists them. */
  bodyTypes: string[];
  bodySchemas: Record<string, JsonSchema>;
  pathParams: { name: string; schema: JsonSchema }[];
  query: { name: string; schema: JsonSchema }[];
}

const specs = new Map<string, RouteSpec>(routeTables.flatMap((table) => Object.values(table.routes).map((spec): [string, RouteSpec] => [`${spec.method} ${spec.path}`, spec])));

/** Every operation of the document, each with its route-table spec (for limits and error shapes). */
export function operationsOf(document: unknown): FuzzOperation[] {
  return Object.entries((document as OpenApiDocument).paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => {
    const key = `${method.toUpperCase()} ${path}`;
    const spec = specs.get(key);
    if (!spec) throw new Error(`${key} is in the OpenAPI document but in no route table`);
    const content = operation.requestBody?.content ?? {};
    return {
      key,
      method: method.toUpperCase(),
      path,
      spec,
      bodyTypes: Object.keys(content),
      bodySchemas: Object.fromEntries(Object.entries(content).map(([type, entry]) => [type, entry.schema])),
      pathParams: (operation.parameters ?? []).filter((p) => p.in === 'path').map(({ name, schema }) => ({ name, schema })),
      query: (operation.parameters ?? []).filter((p) => p.in === 'query').map(({ name, schema }) => ({ name, schema })),
    };
  }));
}

/** The distinct paths and the operations of the route tables (what the document must hold). */
export function routeTableCounts(): { paths: number; operations: number } {
  const routes = routeTables.flatMap((table) => Object.values(table.routes));
  return { paths: new Set(routes.map((route) => route.path)).size, operations: routes.length };
}

// ---- Values from a schema -----------------------------------------------------------------------

/** Field names whose values are checked for a shape the schema does not state (refinements). */
function byName(name: string): fc.Arbitrary<unknown> | undefined {
  if (/email/i.test(name)) {
    return fc.oneof(
      fc.stringMatching(/^[a-z]{1,12}(\.[a-z]{1,8})?$/).map((local) => `${local}@contoh.go.id`),
      fc.emailAddress(),
    );
  }
  if (/^nik$/i.test(name)) return fc.stringMatching(/^\d{16}$/);
  if (/^nip$/i.test(name)) return fc.stringMatching(/^\d{18}$/);
  if (/^otp$/i.test(name)) return fc.stringMatching(/^\d{6}$/);
  if (/pass(word|phrase)/i.test(name)) return fc.constantFrom('Rahasia-Uji-2026!', 'passphrase-uji-yang-panjang-1');
  if (/phone/i.test(name)) return fc.constantFrom('081234567890', '+6281234567890');
  if (/^(emailDomains)$/.test(name)) return fc.array(fc.stringMatching(/^[a-z]{3,10}\.go\.id$/), { minLength: 1, maxLength: 2 });
  return undefined;
}

function patterned(pattern: string, maxLength: number): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern), { size: 'xsmall' }).filter((value) => value.length <= maxLength);
  } catch {
    return fc.string({ maxLength: Math.min(maxLength, 40) });
  }
}

/** A value the schema accepts on its face (refinements it cannot state may still refuse it). */
export function valueOf(schema: JsonSchema | undefined, name = ''): fc.Arbitrary<unknown> {
  if (!schema) return fc.jsonValue({ maxDepth: 2 });
  const named = byName(name);
  if (named && (schema.type === 'string' || (schema.type === 'array' && name === 'emailDomains'))) return named;
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((alternative) => valueOf(alternative, name)));
  if (schema.allOf?.length) return valueOf(schema.allOf[0], name);
  switch (schema.type) {
    case 'string': {
      const min = schema.minLength ?? 0;
      const max = Math.max(min, Math.min(schema.maxLength ?? 40, 40));
      if (schema.format === 'binary') return fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1'));
      if (schema.format === 'date') return fc.constantFrom('2026-01-01', '2099-12-31');
      if (schema.format === 'date-time') return fc.constant(new Date(0).toISOString());
      if (schema.pattern) return patterned(schema.pattern, schema.maxLength ?? 200);
      return fc.string({ minLength: min, maxLength: max, unit: 'grapheme-ascii' });
    }
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1000, -1e6), max: Math.min(schema.maximum ?? 1000, 1e6) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e4, max: schema.maximum ?? 1e4, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueOf(schema.items, name), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)) });
    case 'object': {
      const properties = schema.properties ?? {};
      const entries = Object.fromEntries(Object.entries(properties).map(([key, inner]) => [key, valueOf(inner, key)]));
      const record = fc.record(entries, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
      if (Object.keys(properties).length === 0 && typeof schema.additionalProperties === 'object') {
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme-ascii' }), valueOf(schema.additionalProperties), { maxKeys: 3 });
      }
      return record;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// ---- What goes wrong with a request ---------------------------------------------------------------

export const hostileSegments = [
  '..', '../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f', '....//', '%00', 'a\u0000b', "' OR '1'='1", '"; DROP TABLE users; --',
  '${jndi:ldap://x/a}', '<script>alert(1)</script>', '{{7*7}}', 'USER#x', 'TENANT#tenant-contoh', '*', '%', '%%', '\u202egnp.exe', 'a\u200bb',
  '🙂'.repeat(40), 'x'.repeat(2000), ' ', 'null', 'undefined', '-1', '1e309', 'NaN', '[]', '{}', '\\\\server\\share',
] as const;

/** Strings that have broken parsers, logs and pages: controls, bidi overrides, zero widths, lone surrogates. */
export const awkwardStrings = [
  '\u202eKANAN-KE-KIRI', 'nama\u200b\u200c\u200dtersembunyi', '\ufeffBOM', 'a\u0000b', '\u0007\u001b[31m', 'محمد عبد الله', 'Zalgơ̴̡̗͖', '𝕊𝕚𝕥𝕚',
  '\ud800', 'line\r\nInjected: header', '<img src=x onerror=alert(1)>', '\'); DROP TABLE--', '%s%s%n', '../'.repeat(30), '😀'.repeat(100),
] as const;

const bodyMutations = [
  'valid', 'valid', 'valid', 'missing-required', 'wrong-type', 'huge-string', 'awkward-unicode', 'null-field', 'null-body', 'extra-fields',
  'prototype-keys', 'malformed-json', 'wrong-content-type', 'no-content-type', 'oversize', 'empty', 'array-body',
] as const;
export type BodyMutation = (typeof bodyMutations)[number];

export const credentialKinds = ['none', 'bad', 'verifierKey', 'operatorKey', 'integratorKey', 'operatorSession', 'verifierSession', 'userSession'] as const;
export type CredentialKind = (typeof credentialKinds)[number];

/** One request, as plain data: what to send and why (printed when an answer is wrong). */
export interface FuzzPlan {
  operation: string;
  method: string;
  /** Path and query, encoded. */
  target: string;
  mutation: BodyMutation;
  params: 'valid-looking' | 'hostile';
  credential: CredentialKind;
  /** For `bad`: which header carries the garbage. */
  badVia?: 'bearer' | 'apiKey' | 'basic' | 'cookie';
  /** For a session: sent as the cookie (with the CSRF token when `csrf`), else as Bearer. */
  viaCookie: boolean;
  csrf: boolean;
  contentType?: string;
  /** A marker for a body built at send time (`oversize:<bytes>`), else the body itself. */
  body?: string | Uint8Array;
}

interface Built { contentType?: string; body?: string | Uint8Array }

const jsonText = (value: unknown) => JSON.stringify(value);

/** The valid-looking body of a media type, from its schema. */
function validBody(type: string, schema: JsonSchema | undefined): fc.Arbitrary<{ value: unknown; built: Built }> {
  if (type === 'application/json') return valueOf(schema).map((value) => ({ value, built: { contentType: 'application/json', body: jsonText(value) } }));
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    return valueOf(schema).map((value) => ({ value, built: formBody(type, value) }));
  }
  if (type === 'text/csv') {
    return fc.array(fc.tuple(fc.string({ maxLength: 20, unit: 'grapheme-ascii' }), byName('email')!), { maxLength: 3 }).map((rows) => {
      const csv = `fullName,email,phone\n${rows.map(([name, email]) => `"${name.replaceAll('"', '""')}",${String(email)},`).join('\n')}\n`;
      return { value: csv, built: { contentType: 'text/csv', body: csv } };
    });
  }
  // Binary bodies (PDF, OCSP and TSA requests): bytes that start like the real thing, or do not.
  const prefix = type === 'application/pdf' ? Buffer.from('%PDF-1.7\n') : Buffer.from([0x30, 0x82]);
  return fc.uint8Array({ maxLength: 256 }).map((bytes) => {
    const body = new Uint8Array(Buffer.concat([prefix, bytes]));
    return { value: body, built: { contentType: type, body } };
  });
}

function formBody(type: string, value: unknown): Built {
  const fields = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [['value', value]];
  const text = (field: unknown) => (typeof field === 'string' ? field : JSON.stringify(field) ?? '');
  if (type === 'application/x-www-form-urlencoded') {
    return { contentType: type, body: new URLSearchParams(fields.map(([key, field]): [string, string] => [String(key), text(field)])).toString() };
  }
  const boundary = 'fuzzboundary7MA4YWxkTrZu0gW';
  const parts = fields.map(([key, field]) => `--${boundary}\r\nContent-Disposition: form-data; name="${String(key)}"\r\n\r\n${text(field)}\r\n`);
  // A file part too, as the signing and verification forms carry one.
  parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dokumen.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n%%EOF\r\n`);
  return { contentType: `${type}; boundary=${boundary}`, body: `${parts.join('')}--${boundary}--\r\n` };
}

/** The body, broken one way. */
function mutate(mutation: BodyMutation, type: string | undefined, valid: { value: unknown; built: Built }, schema: JsonSchema | undefined, limit: number): fc.Arbitrary<Built> {
  const asJson = (value: unknown): Built => (type && type !== 'application/json' && typeof value === 'object' && value !== null && !(value instanceof Uint8Array)
    ? formBody(type === 'multipart/form-data' ? type : 'application/x-www-form-urlencoded', value)
    : { contentType: 'application/json', body: jsonText(value) });
  const object = valid.value && typeof valid.value === 'object' && !Array.isArray(valid.value) && !(valid.value instanceof Uint8Array)
    ? valid.value as Record<string, unknown> : undefined;
  const fieldNames = object ? Object.keys(object) : [];
  const withField = (field: fc.Arbitrary<unknown>) => (fieldNames.length === 0
    ? field.map((inner) => asJson(inner))
    : fc.tuple(fc.constantFrom(...fieldNames), field).map(([name, inner]) => asJson({ ...object, [name]: inner })));
  switch (mutation) {
    case 'valid':
      return fc.constant(valid.built);
    case 'missing-required': {
      const required = (schema?.required ?? []).filter((name) => object && name in object);
      return required.length === 0 ? fc.constant(asJson({})) : fc.constantFrom(...required).map((name) => {
        const { [name]: _dropped, ...rest } = object!;
        return asJson(rest);
      });
    }
    case 'wrong-type':
      return withField(fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }), fc.constant('12')));
    case 'huge-string':
      return withField(fc.constantFrom('x'.repeat(100_000), 'é'.repeat(30_000), '9'.repeat(5_000)));
    case 'awkward-unicode':
      return withField(fc.oneof(fc.constantFrom(...awkwardStrings), fc.string({ unit: 'binary', maxLength: 40 })));
    case 'null-field':
      return withField(fc.constant(null));
    case 'null-body':
      return fc.constant({ contentType: 'application/json', body: 'null' });
    case 'extra-fields':
      return fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 })
        .map((extra) => asJson({ ...(object ?? {}), ...extra, role: 'OPERATOR', tenantId: 'tenant-lain', status: 'ACTIVE' }));
    case 'prototype-keys':
      return fc.constantFrom('{"__proto__":{"role":"OPERATOR"}}', '{"constructor":{"prototype":{"isAdmin":true}}}', `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`)
        .map((body) => ({ contentType: 'application/json', body }));
    case 'malformed-json': {
      const text = typeof valid.built.body === 'string' ? valid.built.body : '{"a":1}';
      return fc.oneof(
        fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut)),
        fc.constantFrom('{', '[1,2', '{"a":}', "{'a':1}", '{"a":1,}', 'NaN', '\u0000', '{"a":"\\u12"}', '\ufeff{}'),
      ).map((body) => ({ contentType: 'application/json', body }));
    }
    case 'wrong-content-type':
      return fc.constantFrom('text/plain', 'application/xml', 'text/csv', 'multipart/form-data', 'multipart/form-data; boundary=', 'application/x-www-form-urlencoded', 'application/pdf', 'image/png', 'application/json; charset=latin1', 'application/json-seq', '*/*')
        .filter((contentType) => contentType !== type)
        .map((contentType) => ({ contentType, body: valid.built.body ?? '{}' }));
    case 'no-content-type':
      return fc.constant({ body: valid.built.body ?? '{"a":1}' });
    case 'oversize':
      return fc.constant({ contentType: valid.built.contentType ?? 'application/json', body: `oversize:${limit + 1}` });
    case 'empty':
      return fc.constant({ ...(valid.built.contentType ? { contentType: valid.built.contentType } : {}), body: '' });
    case 'array-body':
      return fc.constant({ contentType: 'application/json', body: jsonText([valid.value ?? null]) });
  }
}

/** One request to `operation`: its parameters, query, body and credential all drawn together. */
export function planOf(operation: FuzzOperation): fc.Arbitrary<FuzzPlan> {
  const limit = operation.spec.maxBodyBytes ?? MAX_BODY_BYTES;
  const params = fc.oneof(
    { weight: 2, arbitrary: fc.tuple(...operation.pathParams.map((param) => valueOf(param.schema, param.name).map(String))).map((values) => ({ kind: 'valid-looking' as const, values })) },
    { weight: 1, arbitrary: fc.tuple(...operation.pathParams.map(() => fc.oneof(fc.constantFrom(...hostileSegments), fc.string({ maxLength: 30 })))).map((values) => ({ kind: 'hostile' as const, values })) },
  );
  const query = fc.oneof(
    fc.constant(''),
    operation.query.length === 0 ? fc.constant('') : fc.record(Object.fromEntries(operation.query.map((q) => [q.name, valueOf(q.schema, q.name).map(String)])), { requiredKeys: [] })
      .map((values) => (Object.keys(values).length ? `?${new URLSearchParams(values as Record<string, string>).toString()}` : '')),
    fc.constantFrom('?limit=-1', '?limit=abc', '?limit=1e9', '?cursor=%%%', '?cursor=eyJwayI6MX0', `?cursor=${'A'.repeat(3000)}`, '?q=%00', '?status=NOPE', '?limit=5&limit=6', '?__proto__=x'),
  );
  const types = operation.bodyTypes.length ? operation.bodyTypes : [undefined];
  const body = fc.constantFrom(...types).chain((type) => {
    const schema = type ? operation.bodySchemas[type] : undefined;
    const valid = type ? validBody(type, schema) : fc.constant({ value: undefined, built: {} as Built });
    return fc.tuple(fc.constantFrom(...bodyMutations), valid).chain(([mutation, made]) =>
      mutate(mutation, type, made, schema, limit).map((built) => ({ mutation, built })));
  });
  // A logout with a real session would end the session the rest of the sweep runs on (the
  // authorization matrix calls logout with throwaway sessions): here it gets the other credentials.
  const kinds = /\/logout$/.test(operation.path) ? credentialKinds.filter((kind) => !kind.endsWith('Session')) : credentialKinds;
  const credential = fc.record({
    credential: fc.constantFrom(...kinds),
    badVia: fc.constantFrom('bearer', 'apiKey', 'basic', 'cookie') as fc.Arbitrary<FuzzPlan['badVia']>,
    viaCookie: fc.boolean(),
    csrf: fc.boolean(),
  });
  return fc.tuple(params, query, body, credential).map(([p, q, b, c]) => {
    let index = 0;
    const path = operation.path.replace(/\{(\w+)\+?\}/g, () => encodeURIComponent(p.values[index++] ?? 'x'));
    // A route without a body gets one only when the mutation is about bodies.
    const sendsBody = operation.method !== 'GET' && b.built.body !== undefined;
    return {
      operation: operation.key,
      method: operation.method,
      target: `${path}${q}`,
      mutation: b.mutation,
      params: p.kind,
      credential: c.credential,
      ...(c.credential === 'bad' ? { badVia: c.badVia } : {}),
      viaCookie: operation.path.startsWith('/web') || c.viaCookie,
      csrf: c.csrf,
      ...(sendsBody && b.built.contentType ? { contentType: b.built.contentType } : {}),
      ...(sendsBody ? { body: b.built.body } : {}),
    };
  });
}

/**
 * `count` plans for each operation, the same ones every run: each operation draws from its own seed
 * (`seed` + its index), so adding a route does not change the others' requests.
 */
export function fuzzPlans(operations: readonly FuzzOperation[], count: number, seed: number): FuzzPlan[] {
  const perOperation = operations.map((operation, index) => fc.sample(planOf(operation), { numRuns: count, seed: seed + index }));
  // Interleaved, so a batch holds many operations (and one slow route does not hold up a batch alone).
  return Array.from({ length: count }, (_, round) => perOperation.map((plans) => plans[round]!)).flat();
}

// ---- Sending --------------------------------------------------------------------------------------

export interface Session { token: string; csrf: string }

export interface FuzzCredentials {
  verifierKey: string;
  operatorKey: string;
  integrator: { keyId: string; secret: string; apiKey: string };
  sessions: { operator: Session; verifier: Session; user: Session };
}

const oversizeCache = new Map<number, string>();
function oversize(bytes: number): string {
  let body = oversizeCache.get(bytes);
  if (!body) {
    body = JSON.stringify({ data: 'x'.repeat(bytes) });
    oversizeCache.set(bytes, body);
  }
  return body;
}

/** The request headers of a plan's credential (the API takes Bearer or key; the pages the cookie). */
export function credentialHeaders(plan: FuzzPlan, credentials: FuzzCredentials): Record<string, string> {
  const session = (s: Session): Record<string, string> => (plan.viaCookie
    ? { cookie: `tte_session=${s.token}`, ...(plan.csrf ? { 'x-csrf-token': s.csrf } : {}) }
    : { authorization: `Bearer ${s.token}` });
  switch (plan.credential) {
    case 'none':
      return {};
    case 'bad':
      return {
        bearer: { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        apiKey: { 'x-api-key': `tte_${'A'.repeat(43)}` },
        basic: { authorization: `Basic ${Buffer.from(`${credentials.integrator.keyId}:salah`).toString('base64')}` },
        cookie: { cookie: 'tte_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      }[plan.badVia ?? 'bearer'];
    case 'verifierKey':
      return { 'x-api-key': credentials.verifierKey };
    case 'operatorKey':
      return { 'x-api-key': credentials.operatorKey };
    case 'integratorKey':
      // BSrE clients send HTTP Basic keyId:secret; others the joined key.
      return plan.target.startsWith('/api/') && !plan.csrf
        ? { authorization: `Basic ${Buffer.from(`${credentials.integrator.keyId}:${credentials.integrator.secret}`).toString('base64')}` }
        : { 'x-api-key': credentials.integrator.apiKey };
    case 'operatorSession':
      return session(credentials.sessions.operator);
    case 'verifierSession':
      return session(credentials.sessions.verifier);
    case 'userSession':
      return session(credentials.sessions.user);
  }
}

export interface FuzzAnswer { status: number; contentType: string; text: string; ms: number; retried?: string }

/**
 * Sends a plan. A connection dropped before any answer is tried once more: a reused keep-alive
 * connection the server closed at that moment drops so, whatever was sent (the replay answers).
 * Only a second drop counts as no answer (599, taken as a 5xx); the first is noted in `retried`.
 */
export async function send(api: string, plan: FuzzPlan, credentials: FuzzCredentials): Promise<FuzzAnswer> {
  const first = await sendOnce(api, plan, credentials);
  if (first.status !== 599) return first;
  const second = await sendOnce(api, plan, credentials);
  return { ...second, retried: first.text };
}

async function sendOnce(api: string, plan: FuzzPlan, credentials: FuzzCredentials): Promise<FuzzAnswer> {
  let body = plan.body;
  if (typeof body === 'string' && body.startsWith('oversize:')) body = oversize(Number(body.slice('oversize:'.length)));
  // A form's CSRF token travels as a field, as the pages send it.
  if (plan.viaCookie && plan.csrf && plan.credential.endsWith('Session') && plan.contentType === 'application/x-www-form-urlencoded' && typeof body === 'string') {
    const session = credentials.sessions[plan.credential.replace('Session', '') as keyof FuzzCredentials['sessions']];
    body = `${body}${body ? '&' : ''}csrfToken=${encodeURIComponent(session.csrf)}`;
  }
  const started = performance.now();
  try {
    const response = await fetch(`${api}${plan.target}`, {
      method: plan.method,
      redirect: 'manual',
      headers: { ...(plan.contentType !== undefined ? { 'content-type': plan.contentType } : {}), ...credentialHeaders(plan, credentials) },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, ms: performance.now() - started };
  } catch (error) {
    // No answer at all (the connection dropped) is as bad as a 5xx: it is counted as one.
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
    return { status: 599, contentType: '', text: `no answer: ${cause}`, ms: performance.now() - started };
  }
}

// ---- What an answer must look like ----------------------------------------------------------------

const compiled = compileRoutes(routeTables);

/** The route the gateway matched for a request (after the URL's own normalisation), if any. */
export function servedBy(api: string, plan: FuzzPlan): RouteSpec | undefined {
  const { pathname } = new URL(`${api}${plan.target}`);
  const matched = matchRoute(compiled, plan.method, pathname);
  return 'miss' in matched ? undefined : specs.get(`${matched.route.method} ${matched.route.resource}`);
}

/**
 * What is wrong with an answer, or nothing: no 5xx; an error of the API and the PKI is
 * problem+json with a code and its status; a page's error an HTML page; a BSrE path's error BSrE's
 * own body `{error, status_code}`.
 */
export function answerProblems(api: string, plan: FuzzPlan, answer: FuzzAnswer): string[] {
  if (answer.status >= 500) return [`5xx: ${answer.status} ${answer.text.slice(0, 300)}`];
  if (answer.status < 400) return [];
  const { pathname } = new URL(`${api}${plan.target}`);
  const route = servedBy(api, plan);
  if (pathname === '/web' || pathname.startsWith('/web/')) {
    return /^text\/html/.test(answer.contentType) && /<html[\s>]/i.test(answer.text) ? [] : [`a page's ${answer.status} is not an HTML page: ${answer.contentType} ${answer.text.slice(0, 200)}`];
  }
  if (route?.errorRenderer) {
    try {
      const body = JSON.parse(answer.text) as { error?: unknown; status_code?: unknown };
      return typeof body.error === 'string' && typeof body.status_code === 'number' && answer.status < 500
        ? [] : [`a BSrE path's ${answer.status} is not BSrE's error body: ${answer.text.slice(0, 200)}`];
    } catch {
      return [`a BSrE path's ${answer.status} is not JSON: ${answer.contentType} ${answer.text.slice(0, 200)}`];
    }
  }
  if (!/^application\/problem\+json/.test(answer.contentType)) return [`${answer.status} is not problem+json: ${answer.contentType} ${answer.text.slice(0, 200)}`];
  try {
    const body = JSON.parse(answer.text) as { code?: unknown; status?: unknown };
    if (typeof body.code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(body.code)) return [`problem without a code: ${answer.text.slice(0, 200)}`];
    if (body.status !== answer.status) return [`problem's status ${String(body.status)} is not the HTTP status ${answer.status}`];
    return [];
  } catch {
    return [`problem+json that is not JSON: ${answer.text.slice(0, 200)}`];
  }
}

/** How a plan is shown in a failure: enough to send it again by hand. */
export function describePlan(plan: FuzzPlan): string {
  const body = plan.body === undefined ? '' : typeof plan.body === 'string' ? plan.body.slice(0, 120) : `<${plan.body.length} bytes>`;
  return `${plan.method} ${plan.target.slice(0, 160)} [${plan.credential}${plan.badVia ? `/${plan.badVia}` : ''}${plan.viaCookie ? ' cookie' : ''}${plan.csrf ? '+csrf' : ''}; ${plan.mutation}; params ${plan.params}; ${plan.contentType ?? 'no content type'}] ${JSON.stringify(body)}`;
}

// ---- "Nothing was written" --------------------------------------------------------------------------

// What the runtime writes by itself, whoever calls: the outbox dispatcher marking e-mails sent and
// SES's reports on them, a session check sliding the idle expiry, the rate-limit counters (a
// refused request counts against its client by design) and the EMAIL_SENT counter of a sent e-mail.
// The same allowances as authorization-matrix.test.ts, plus RATE#.
const outboxDelivery = [
  'status', 'leaseUntil', 'attempts', 'sentAt', 'providerMessageId', 'ttl', 'gsi1pk', 'gsi1sk', 'sealedData', 'lastError', 'to', 'data',
  'userId', 'tenantId', 'subject', 'delivery', 'deliveryRank', 'suppressedAt',
];
const sessionTouch = ['lastSeenAt', 'idleExpiresAt'];
const isBackground = (item: Record<string, unknown>) => {
  const pk = String(item.pk);
  const sk = String(item.sk);
  return pk.startsWith('RATE#') || (pk.startsWith('USAGE#') && sk.endsWith('#EMAIL_SENT')) || isEmailDeliveryRecord(item);
};

function canonical(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(canonical).sort();
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([key, inner]) => [key, canonical(inner)]));
  }
  return value;
}

export interface Snapshot { items: Set<string>; objects: Set<string> }

/** The table (less the background's own writes) and every object of every bucket (only tests scan). */
export async function snapshot(db: DynamoDBDocumentClient, tableName: string, s3: S3Client): Promise<Snapshot> {
  const [items, objects] = await Promise.all([
    allTableItems(db, tableName).then((all) => new Set(all.filter((item) => !isBackground(item)).map((item) => {
      const pk = String(item.pk);
      const ignored = pk.startsWith('OUTBOX#') ? outboxDelivery : pk.startsWith('SESSION#') && item.sk === 'SESSION' ? sessionTouch : [];
      return JSON.stringify(canonical(Object.fromEntries(Object.entries(item).filter(([name]) => !ignored.includes(name)))));
    }))),
    listObjects(s3),
  ]);
  return { items, objects };
}

async function listObjects(s3: S3Client): Promise<Set<string>> {
  const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets ?? [];
  const objects = new Set<string>();
  for (const bucket of buckets) {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket.Name!, ContinuationToken: token }));
      for (const object of page.Contents ?? []) objects.add(`${bucket.Name}/${object.Key} ${object.Size} ${object.ETag}`);
      token = page.NextContinuationToken;
    } while (token);
  }
  return objects;
}

const minus = (a: Set<string>, b: Set<string>) => [...a].filter((entry) => !b.has(entry));

/** What changed between two snapshots: items and objects added and removed (empty when nothing did). */
export function changes(before: Snapshot, after: Snapshot): string[] {
  return [
    ...minus(after.items, before.items).map((item) => `+ item ${item.slice(0, 300)}`),
    ...minus(before.items, after.items).map((item) => `- item ${item.slice(0, 300)}`),
    ...minus(after.objects, before.objects).map((object) => `+ object ${object}`),
    ...minus(before.objects, after.objects).map((object) => `- object ${object}`),
  ];
}

// ---- Running many ------------------------------------------------------------------------------------

const unsafe = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/**
 * Whether a plan may be accepted (and so may write): such a plan runs alone, so whatever it writes
 * is not taken for a refused neighbour's write. Some reads write by design (an export of one's
 * personal data is audited; the new-device page starts a setup), so a read with a credential the
 * route may take counts too. What is sure to be refused: a hostile path parameter, a link token
 * (none is live), a broken body, no or a bad credential on a route that needs one.
 */
export function mayBeAccepted(plan: FuzzPlan, spec: RouteSpec): boolean {
  if (plan.params === 'hostile' && spec.path.includes('{')) return false;
  if (spec.path.includes('{token}')) return false;
  const hasBody = spec.body !== undefined || spec.bodyType !== undefined;
  if (hasBody && unsafe(plan.method) && plan.mutation !== 'valid') return false;
  // The pages are public to the router and read the session cookie themselves.
  if (spec.path.startsWith('/web')) return plan.credential.endsWith('Session') || unsafe(plan.method);
  if (spec.access === 'public') return unsafe(plan.method);
  return plan.credential !== 'none' && plan.credential !== 'bad';
}

/** Status → count, for printing. */
export function histogram(statuses: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ');
}

// ---- Setting up -----------------------------------------------------------------------------------

/**
 * The operations of the runtime's own OpenAPI document and every kind of credential its seed gives:
 * the verifier's and operator's keys, the integrator key, and sessions of the operator, the
 * verifier and an employee (Siti Aminah, enrolled through the registry fixture for it).
 */
export async function prepareFuzz(runtime: Awaited<ReturnType<typeof bootLocalRuntime>>): Promise<{ document: unknown; operations: FuzzOperation[]; credentials: FuzzCredentials }> {
  const people = accountsClient(runtime);
  const { verifier, operator, integrator } = runtime.seed;
  const [user, verifierSession, operatorSession] = await Promise.all([
    people.activeCivilServant({ ...sitiAminah, email: 'siti.aminah@contoh.go.id' }, 'Rahasia-Siti-2025!'),
    people.logIn(verifier.email, verifier.password, [verifier.totpSecret]),
    people.logIn(operator.email, operator.password, [operator.totpSecret]),
  ]);
  const session = (s: { sessionToken: string; csrfToken: string }): Session => ({ token: s.sessionToken, csrf: s.csrfToken });
  const document: unknown = await (await fetch(`${runtime.api}/openapi.json`)).json();
  return {
    document,
    operations: operationsOf(document),
    credentials: {
      verifierKey: verifier.apiKey,
      operatorKey: operator.apiKey,
      integrator,
      sessions: { user: session(user.session), verifier: session(verifierSession), operator: session(operatorSession) },
    },
  };
}
