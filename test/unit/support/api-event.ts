import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** What the HTTP kernel tests send: an API Gateway proxy event built from the few parts that matter. */
export interface EventInput {
  method: string;
  resource: string;
  headers?: Record<string, string>;
  body?: string | null;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  isBase64Encoded?: boolean;
}

export function apiEvent(input: EventInput): APIGatewayProxyEvent {
  return {
    resource: input.resource,
    path: input.resource,
    httpMethod: input.method,
    headers: input.headers ?? {},
    multiValueHeaders: {},
    body: input.body ?? null,
    isBase64Encoded: input.isBase64Encoded ?? false,
    pathParameters: input.pathParameters ?? null,
    queryStringParameters: input.query ?? null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: 'req-123', identity: { sourceIp: '203.0.113.9' } } as APIGatewayProxyEvent['requestContext'],
  } as APIGatewayProxyEvent;
}

export const lambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-3:123456789012:function:test',
  memoryLimitInMB: '512',
  awsRequestId: 'aws-request-1',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
