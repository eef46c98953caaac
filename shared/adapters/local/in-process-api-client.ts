import { answerOf, apiGatewayEvent, invocationContext } from '../../http/api-event.js';
import type { HttpHandler } from '../../http/service.js';
import type { ApiAnswer, ApiCall, ApiClient } from '../../ports/api-client.js';

/** The local runtime's stand-in for Lambda Invoke: the context's handler, called in this process. */
export class InProcessApiClient implements ApiClient {
  constructor(private readonly handlers: () => Readonly<Record<string, HttpHandler>>) {}

  async send(call: ApiCall): Promise<ApiAnswer> {
    const handler = this.handlers()[call.context];
    if (!handler) throw new Error(`No handler for context ${call.context}`);
    return answerOf(await handler(apiGatewayEvent(call), invocationContext(call.context, call.requestId)));
  }
}
