import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { tableDesign } from '../../shared/data/table.js';
import { contextNumber, contextString, formatFindings, logicalIdOf, nagFindings, props, resourceById, resourcesOf, synthesize } from './support.js';

// One synthesis for the whole file.
const { stateful, statefulTemplate: template } = synthesize();
const tableId = logicalIdOf(stateful, stateful.table);
const photoBucketId = logicalIdOf(stateful, stateful.photoBucket);
const dataKeyId = logicalIdOf(stateful, stateful.dataKey);
const caKeyId = logicalIdOf(stateful, stateful.caKey);
const tsaKeyId = logicalIdOf(stateful, stateful.tsaKey);
const serviceSealKeyId = logicalIdOf(stateful, stateful.serviceSealKey);
const keyWrappingKeyId = logicalIdOf(stateful, stateful.keyWrappingKey);
const pkiBucketId = logicalIdOf(stateful, stateful.pkiBucket);
const pseudonymKeyId = logicalIdOf(stateful, stateful.pseudonymKey);
const registrySecretId = logicalIdOf(stateful, stateful.registrySecret);

describe('stateful stack: DynamoDB table', () => {
  // TableV2 synthesizes AWS::DynamoDB::GlobalTable; per-replica settings (PITR, deletion protection) live in Replicas.
  const table = resourceById(template, tableId);
  const tableProps = props(table);

  it('is the single table of the stack', () => {
    expect(table.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(resourcesOf(template, 'AWS::DynamoDB::GlobalTable').length + resourcesOf(template, 'AWS::DynamoDB::Table').length).toBe(1);
  });

  it('has pk/sk string keys from the table design', () => {
    expect(tableProps.KeySchema).toEqual([
      { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
    ]);
  });

  it('has every GSI of the table design, with string keys, and no other', () => {
    const indexes = tableProps.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[];
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(tableDesign.globalSecondaryIndexes.map((index) => index.indexName).sort());
    for (const design of tableDesign.globalSecondaryIndexes) {
      const index = indexes.find((candidate) => candidate.IndexName === design.indexName);
      expect(index?.KeySchema, design.indexName).toEqual([
        { AttributeName: design.partitionKey, KeyType: 'HASH' },
        { AttributeName: design.sortKey, KeyType: 'RANGE' },
      ]);
    }
  });

  it('declares every key attribute as a string', () => {
    const keyAttributes = [
      tableDesign.partitionKey,
      tableDesign.sortKey,
      ...tableDesign.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
    ];
    const definitions = tableProps.AttributeDefinitions as { AttributeName: string; AttributeType: string }[];
    expect(definitions.map((definition) => definition.AttributeName).sort()).toEqual([...keyAttributes].sort());
    for (const definition of definitions) expect(definition.AttributeType, definition.AttributeName).toBe('S');
  });

  it('is on-demand, streams NEW_AND_OLD_IMAGES and expires items by ttl', () => {
    expect(tableProps.BillingMode).toBe('PAY_PER_REQUEST');
    expect(tableProps.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(tableProps.TimeToLiveSpecification).toEqual({ AttributeName: tableDesign.timeToLiveAttribute, Enabled: true });
    expect(tableDesign.timeToLiveAttribute).toBe('ttl');
  });

  it('has PITR and deletion protection on every replica', () => {
    const replicas = tableProps.Replicas as Record<string, unknown>[];
    expect(replicas.length).toBeGreaterThan(0);
    for (const replica of replicas) {
      expect(replica).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
    }
  });

  it('is retained on stack deletion and replacement', () => {
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('stateful stack: KMS keys', () => {
  it('rotates the data key', () => {
    expect(props(resourceById(template, dataKeyId))).toMatchObject({ EnableKeyRotation: true });
  });

  it('makes the NIK index key a KMS HMAC-256 key, retained', () => {
    const key = resourceById(template, pseudonymKeyId);
    expect(props(key)).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('keeps the registry credential in a retained Secrets Manager secret', () => {
    const secret = resourceById(template, registrySecretId);
    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.DeletionPolicy).toBe('Retain');
  });

  it('makes the CA key an ECC P-256 signing key', () => {
    expect(props(resourceById(template, caKeyId))).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  });

  it('gives the timestamp authority an ECC P-256 signing key of its own, apart from the CA key', () => {
    expect(tsaKeyId).not.toBe(caKeyId);
    expect(props(resourceById(template, tsaKeyId))).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  });

  it('gives the service seal an ECC P-256 signing key of its own, apart from the CA and TSA keys', () => {
    expect(new Set([serviceSealKeyId, caKeyId, tsaKeyId]).size).toBe(3);
    expect(props(resourceById(template, serviceSealKeyId))).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  });

  it('wraps signing keys under a key of their own, rotated yearly', () => {
    expect(keyWrappingKeyId).not.toBe(dataKeyId);
    expect(props(resourceById(template, keyWrappingKeyId)).EnableKeyRotation).toBe(true);
  });

  it('retains the keys', () => {
    for (const id of [dataKeyId, caKeyId, tsaKeyId, serviceSealKeyId, keyWrappingKeyId]) {
      expect(resourceById(template, id).DeletionPolicy, id).toBe('Retain');
      expect(resourceById(template, id).UpdateReplacePolicy, id).toBe('Retain');
    }
  });
});

describe('stateful stack: photo bucket', () => {
  const bucket = resourceById(template, photoBucketId);
  const bucketProps = props(bucket);

  it('encrypts with SSE-KMS under the data key', () => {
    expect(bucketProps.BucketEncryption).toMatchObject({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [dataKeyId, 'Arn'] } } },
      ],
    });
  });

  it('blocks all public access', () => {
    expect(bucketProps.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
  });

  it('is versioned', () => {
    expect(bucketProps.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('expires photos with an enabled lifecycle rule (the retention period from cdk.json)', () => {
    const rules = (bucketProps.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    const expiring = rules.filter((rule) => rule.Status === 'Enabled' && typeof rule.ExpirationInDays === 'number');
    expect(expiring.length).toBeGreaterThan(0);
    expect(expiring.map((rule) => rule.ExpirationInDays)).toContain(contextNumber('tte:photoRetentionDays'));
  });

  it('denies every request not made over TLS', () => {
    const policies = resourcesOf(template, 'AWS::S3::BucketPolicy').filter(([, policy]) => JSON.stringify(props(policy).Bucket) === JSON.stringify({ Ref: photoBucketId }));
    expect(policies).toHaveLength(1);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: photoBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [photoBucketId, 'Arn'] }]),
          }),
        ]),
      },
    });
  });

  it('logs server access to a separate bucket of this stack', () => {
    const logging = bucketProps.LoggingConfiguration as { DestinationBucketName?: { Ref?: string } } | undefined;
    const destination = logging?.DestinationBucketName?.Ref;
    expect(destination).toBeDefined();
    expect(destination).not.toBe(photoBucketId);
    expect(resourceById(template, destination ?? '').Type).toBe('AWS::S3::Bucket');
  });

  it('is retained on stack deletion', () => {
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('lets only the pages\' origin PUT and GET photos from a browser (the same rule as the local s3rver)', () => {
    const webOrigin = new URL(contextString('tte:webBaseUrl')).origin;
    expect((bucketProps.CorsConfiguration as { CorsRules: unknown[] }).CorsRules).toEqual([
      { AllowedMethods: ['PUT', 'GET'], AllowedOrigins: [webOrigin], AllowedHeaders: ['*'], MaxAge: 300 },
    ]);
  });
});

describe('stateful stack: PKI bucket', () => {
  const bucket = resourceById(template, pkiBucketId);
  const bucketProps = props(bucket);

  it('is private, encrypted, TLS-only, logged and retained', () => {
    expect(bucketProps.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(JSON.stringify(bucketProps.BucketEncryption)).toContain('AES256');
    expect(resourcesOf(template, 'AWS::S3::BucketPolicy').some(([, policy]) => JSON.stringify(props(policy)).includes(pkiBucketId) && JSON.stringify(props(policy)).includes('aws:SecureTransport'))).toBe(true);
    expect(bucketProps.LoggingConfiguration).toBeDefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('lets old CRLs expire (the current one is replaced at least daily)', () => {
    const rules = (bucketProps.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toEqual([expect.objectContaining({ Prefix: 'crl/', Status: 'Enabled', ExpirationInDays: 30 })]);
  });
});

describe('stateful stack: signed documents bucket', () => {
  const bucketId = logicalIdOf(stateful, stateful.documentsBucket);
  const bucket = resourceById(template, bucketId);
  const bucketProps = props(bucket);

  it('is private, encrypted under the data key, TLS-only, logged and retained', () => {
    expect(bucketProps.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(JSON.stringify(bucketProps.BucketEncryption)).toContain('aws:kms');
    expect(resourcesOf(template, 'AWS::S3::BucketPolicy').some(([, policy]) => JSON.stringify(props(policy)).includes(bucketId) && JSON.stringify(props(policy)).includes('aws:SecureTransport'))).toBe(true);
    expect(bucketProps.LoggingConfiguration).toBeDefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('keeps a signed PDF one day (only its hash stays, in the table)', () => {
    const rules = (bucketProps.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toEqual([expect.objectContaining({ Prefix: 'documents/', Status: 'Enabled', ExpirationInDays: 1 })]);
  });
});

describe('stateful stack: cdk-nag AwsSolutions', () => {
  it('leaves no unsuppressed error or warning', () => {
    const findings = nagFindings(stateful);
    expect(findings, formatFindings(findings)).toEqual([]);
  });
});
