import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { answerOf, apiGatewayEvent } from '../../http/api-event.js';
import type { ApiAnswer, ApiCall, ApiClient } from '../../ports/api-client.js';

/**
 * The web pages reach an API context by invoking its function with the event API Gateway would
 * have sent: the same validation, authorisation, CSRF check and error codes as a direct API call.
 * `functionNames` maps a context to its function (granted lambda:InvokeFunction on exactly these).
 */
export class LambdaApiClient implements ApiClient {
  constructor(private readonly lambda: LambdaClient, private readonly functionNames: Readonly<Record<string, string>>) {}

  async send(call: ApiCall): Promise<ApiAnswer> {
    const functionName = this.functionNames[call.context];
    if (!functionName) throw new Error(`No function configured for context ${call.context}`);
    const output = await this.lambda.send(new InvokeCommand({
      FunctionName: functionName,
      Payload: Buffer.from(JSON.stringify(apiGatewayEvent(call))),
    }));
    const payload = output.Payload ? Buffer.from(output.Payload).toString('utf8') : '';
    // A function error (a crash, a timeout) is the service's fault, never the caller's: it becomes a 500 page.
    if (output.FunctionError) throw new Error(`${functionName} failed: ${output.FunctionError}`);
    return answerOf(JSON.parse(payload) as APIGatewayProxyResult);
  }
}
