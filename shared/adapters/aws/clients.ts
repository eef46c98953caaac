import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * Where each client points. Empty on AWS (the SDK's own resolution); the local runtime and the
 * tests point them at the stand-ins.
 */
export interface ClientEndpoints {
  region?: string;
  dynamodb?: string;
  s3?: string;
  ses?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface AwsClients {
  dynamo: DynamoDBDocumentClient;
  kms: KMSClient;
  s3: S3Client;
  ses: SESClient;
  sfn: SFNClient;
}

/** Made once per process (module scope in each handler), never per invocation. */
export function createAwsClients(endpoints: ClientEndpoints = {}): AwsClients {
  const common = {
    ...(endpoints.region ? { region: endpoints.region } : {}),
    ...(endpoints.credentials ? { credentials: endpoints.credentials } : {}),
  };
  const dynamoBase = new DynamoDBClient({ ...common, ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}) });
  return {
    dynamo: DynamoDBDocumentClient.from(dynamoBase, { marshallOptions: { removeUndefinedValues: true } }),
    kms: new KMSClient(common),
    s3: new S3Client({
      ...common,
      ...(endpoints.s3 ? { endpoint: endpoints.s3, forcePathStyle: true } : {}),
      // s3rver does not understand the newer default checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
    ses: new SESClient({ ...common, ...(endpoints.ses ? { endpoint: endpoints.ses } : {}) }),
    sfn: new SFNClient(common),
  };
}
