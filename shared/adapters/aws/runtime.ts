import type { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig, type Config } from '../../config.js';
import { createLogger } from '../../logger.js';
import { randomIds, systemClock, type Clock, type IdGenerator } from '../../ports/runtime.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoClient } from './clients.js';
import { DynamoTenantDirectory } from './dynamo-tenants.js';
import { DynamoUserDirectory } from './dynamo-users.js';

export interface BasePorts {
  config: Config;
  dynamo: DynamoDBDocumentClient;
  tenants: DynamoTenantDirectory;
  users: DynamoUserDirectory;
  logger: Logger;
  clock: Clock;
  ids: IdGenerator;
}

/** What every function on AWS starts from: config validated, clients made once. */
export function awsBasePorts(serviceName: string): BasePorts {
  const config = loadConfig();
  const dynamo = createDynamoClient();
  return {
    config,
    dynamo,
    tenants: new DynamoTenantDirectory(dynamo, config.TABLE_NAME),
    users: new DynamoUserDirectory(dynamo, config.TABLE_NAME),
    logger: createLogger(serviceName),
    clock: systemClock,
    ids: randomIds,
  };
}
