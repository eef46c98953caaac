import type { HttpMethod } from '../http/route.js';

/**
 * One call from the web pages to an API context, as API Gateway would have delivered it: the
 * route's resource path and parameters, the browser's cookie and language, its source IP.
 */
export interface ApiCall {
  context: string;
  method: HttpMethod;
  /** The route's path template, e.g. /v1/activation/{token}. */
  resource: string;
  pathParameters?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, string>>;
  headers: Readonly<Record<string, string>>;
  /** Bytes of the body (JSON or CSV), already encoded. */
  body?: Buffer;
  sourceIp: string;
  requestId: string;
}

export interface ApiAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

/**
 * How the web context reaches the others: in AWS by invoking their Lambda functions (the web
 * function holds no data grant of its own), locally by calling their handlers in-process.
 */
export interface ApiClient {
  send(call: ApiCall): Promise<ApiAnswer>;
}
