import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { countBusinessEvents } from './business-metrics.js';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { LambdaClient } from '@aws-sdk/client-lambda';

/**
 * Where the clients point. Empty on AWS (the SDK's own resolution); the local runtime and the
 * tests point them at the stand-ins. One factory per service, so each function's bundle holds
 * only the clients it uses. Clients are made once per process (module scope), never per event.
 */
export interface ClientEndpoints {
  region?: string;
  dynamodb?: string;
  s3?: string;
  ses?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const common = (endpoints: ClientEndpoints) => ({
  ...(endpoints.region ? { region: endpoints.region } : {}),
  ...(endpoints.credentials ? { credentials: endpoints.credentials } : {}),
});

export function createDynamoClient(endpoints: ClientEndpoints = {}): DynamoDBDocumentClient {
  const base = new DynamoDBClient({ ...common(endpoints), ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}) });
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  countBusinessEvents(client);
  return client;
}

export function createKmsClient(endpoints: ClientEndpoints = {}): KMSClient {
  return new KMSClient(common(endpoints));
}

export function createS3Client(endpoints: ClientEndpoints = {}): S3Client {
  return new S3Client({
    ...common(endpoints),
    ...(endpoints.s3 ? { endpoint: endpoints.s3, forcePathStyle: true } : {}),
    // s3rver does not understand the newer default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function createSesClient(endpoints: ClientEndpoints = {}): SESClient {
  return new SESClient({ ...common(endpoints), ...(endpoints.ses ? { endpoint: endpoints.ses } : {}) });
}

export function createSfnClient(endpoints: ClientEndpoints = {}): SFNClient {
  return new SFNClient(common(endpoints));
}

export function createLambdaClient(endpoints: ClientEndpoints = {}): LambdaClient {
  return new LambdaClient(common(endpoints));
}
