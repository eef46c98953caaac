import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ApiAnswer, ApiCall } from '../ports/api-client.js';

/** A route's path with its parameters filled in (each one URL-encoded). */
export function fillPath(resource: string, parameters: Readonly<Record<string, string>> = {}): string {
  return resource.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(parameters[name] ?? ''));
}

/**
 * The event API Gateway (REST, proxy integration, binary media types '*' + '/' + '*') hands a
 * function: every body as base64. The local gateway and the web context's calls build it here.
 */
export function apiGatewayEvent(call: ApiCall & { path?: string }): APIGatewayProxyEvent {
  const query = call.query && Object.keys(call.query).length > 0 ? { ...call.query } : null;
  const parameters = call.pathParameters && Object.keys(call.pathParameters).length > 0 ? { ...call.pathParameters } : null;
  const hasBody = call.body !== undefined && call.body.length > 0;
  return {
    resource: call.resource,
    path: call.path ?? fillPath(call.resource, call.pathParameters),
    httpMethod: call.method,
    headers: { ...call.headers },
    multiValueHeaders: {},
    queryStringParameters: query,
    multiValueQueryStringParameters: null,
    pathParameters: parameters,
    stageVariables: null,
    body: hasBody ? call.body!.toString('base64') : null,
    isBase64Encoded: hasBody,
    requestContext: { requestId: call.requestId, identity: { sourceIp: call.sourceIp } },
  } as unknown as APIGatewayProxyEvent;
}

/** The Lambda context a handler is given outside Lambda. */
export function invocationContext(functionName: string, requestId: string): Context {
  return { awsRequestId: requestId, functionName, getRemainingTimeInMillis: () => 29_000 } as unknown as Context;
}

/** A handler's result as status, lower-case headers and body bytes. */
export function answerOf(result: APIGatewayProxyResult): ApiAnswer {
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));
  return { status: result.statusCode, headers, body: Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8') };
}
