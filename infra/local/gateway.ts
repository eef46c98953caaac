import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppError } from '../../shared/domain/errors.js';
import { preferredLanguage, problemResponse } from '../../shared/http/problem.js';
import { answerOf, apiGatewayEvent, invocationContext } from '../../shared/http/api-event.js';
import type { HttpMethod, RouteTable } from '../../shared/http/route.js';
import { compileRoutes, matchRoute } from '../../shared/http/route-match.js';
import type { HttpHandler } from '../../shared/http/service.js';
import { errorPage } from '../../shared/web/error-page.js';
import { pageHeaders } from '../../shared/web/headers.js';

// API Gateway's own limit; the handlers enforce the service's 1 MB limit themselves.
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A stand-in for API Gateway: matches the route tables and invokes the context's handler. */
export function startGateway(options: {
  port: number;
  host?: string;
  tables: readonly RouteTable[];
  handlers: Readonly<Record<string, HttpHandler>>;
  /** Where the pages live: an unknown path or method below it gets an Indonesian page, not JSON. */
  pagesBasePath?: string;
  onError?: (error: unknown) => void;
}): Promise<Server> {
  const routes = compileRoutes(options.tables);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value ?? '']));
    const language = preferredLanguage(headers['accept-language']);
    const reject = (code: 'ROUTE_NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'PAYLOAD_TOO_LARGE') => {
      // API Gateway's own limit is 10 MB: say so, not the functions' default.
      const error = code === 'PAYLOAD_TOO_LARGE'
        ? new AppError(code, [], { detail: { id: 'Isi permintaan terlalu besar (maksimal 10 MB).', en: 'The request body is too large (10 MB at most).' } })
        : new AppError(code);
      const base = options.pagesBasePath;
      if (base && (url.pathname === base || url.pathname.startsWith(`${base}/`))) {
        res.writeHead(error.status, pageHeaders()).end(errorPage(base, error));
        return;
      }
      const problem = problemResponse(error, language);
      res.writeHead(problem.statusCode, problem.headers).end(problem.body);
    };

    // Every answer, refusals included, waits for the whole request: see readBody.
    const body = await readBody(req, GATEWAY_MAX_BODY_BYTES);
    let path: string;
    try {
      path = decodeURI(url.pathname);
    } catch {
      return reject('ROUTE_NOT_FOUND');
    }
    const matched = matchRoute(routes, req.method ?? 'GET', url.pathname);
    if ('miss' in matched) return reject(matched.miss);
    if (body === 'TOO_LARGE') return reject('PAYLOAD_TOO_LARGE');
    const { route, pathParameters } = matched;

    const query = Object.fromEntries(url.searchParams.entries());
    const requestId = randomUUID();
    const event = apiGatewayEvent({
      context: route.context,
      method: route.method as HttpMethod,
      resource: route.resource,
      path,
      pathParameters,
      query,
      headers,
      ...(body.length > 0 ? { body } : {}),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      requestId,
    });
    const answer = answerOf(await options.handlers[route.context]!(event, invocationContext(route.context, requestId)));
    res.writeHead(answer.status, answer.headers).end(answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) {
        const problem = problemResponse(new AppError('INTERNAL_ERROR'), 'id');
        res.writeHead(problem.statusCode, problem.headers).end(problem.body);
      }
    });
  });
  // Idle keep-alive connections are closed by the client only. With Node's default (5 s, sent as a
  // Keep-Alive hint, which undici turns into 3 s of its own), the server's clock starts when it has
  // written an answer and the client's when it has read it: a client in the same process (the
  // tests, the benches) stalled 3 s between the two finds the server closing the connection as it
  // sends the next request on it, and gets ECONNRESET. On AWS, API Gateway holds the connections.
  server.keepAliveTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve(server));
  });
}

/**
 * The request's body, or TOO_LARGE past `limit`; either way only once the client has sent all of
 * it. An answer sent while the client is still writing (a refusal before the body was read) can
 * be lost: the gateway's connection ended with unread bytes in it resets, and the client sees
 * ECONNRESET instead of the answer, on that request or on the next one it sends on the same
 * keep-alive connection. So past the limit the rest is read and dropped, not left unread.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'TOO_LARGE'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.once('end', () => resolve(size > limit ? 'TOO_LARGE' : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}
