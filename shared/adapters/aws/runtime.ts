import type { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig, type Config } from '../../config.js';
import { createLogger } from '../../logger.js';
import { randomIds, systemClock, type Clock, type IdGenerator } from '../../ports/runtime.js';
import { createAwsClients, type AwsClients } from './clients.js';
import { DynamoDirectory } from './dynamo-directory.js';

export interface BasePorts {
  config: Config;
  clients: AwsClients;
  directory: DynamoDirectory;
  logger: Logger;
  clock: Clock;
  ids: IdGenerator;
}

/** What every function on AWS starts from: config validated, clients made once. */
export function awsBasePorts(serviceName: string): BasePorts {
  const config = loadConfig();
  const clients = createAwsClients();
  return {
    config,
    clients,
    directory: new DynamoDirectory(clients.dynamo, config.TABLE_NAME),
    logger: createLogger(serviceName),
    clock: systemClock,
    ids: randomIds,
  };
}

/**
 * The Lambda entry: wires the AWS adapters once per container, on the first event, so that
 * importing a handler module (tests, the local runtime) never needs AWS configuration.
 */
export function lambdaEntry<E, C, R>(wire: () => (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
  let wired: ((event: E, context: C) => Promise<R>) | undefined;
  return (event, context) => (wired ??= wire())(event, context);
}
