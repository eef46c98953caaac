import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { photoBucketCors } from '../../shared/data/buckets.js';
import { tableDesign } from '../../shared/data/table.js';
import { Backups } from '../constructs/backups.js';

export interface StatefulStackProps extends StackProps {
  /** The deployment stage: it names what this stack names physically (the backup vault and plan). */
  stage: string;
  /** How long AWS Backup keeps the daily backups of the table and the photo bucket, in days. */
  backupRetentionDays: number;
  /** How long KYC photos are kept (UU PDP retention), in days. */
  photoRetentionDays: number;
  /** The web front end's origin, allowed to upload photos with presigned URLs. */
  webOrigin: string;
}

/**
 * What holds data and keys, and must outlive any deployment of the code: the table, the photo
 * bucket, the envelope key, the CA key and the TSA key. Everything here is retained on stack deletion.
 */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly photoBucket: Bucket;
  readonly dataKey: Key;
  readonly caKey: Key;
  readonly tsaKey: Key;
  readonly serviceSealKey: Key;
  readonly keyWrappingKey: Key;
  readonly pkiBucket: Bucket;
  /** Signed PDFs for their 24 hours (download, BSrE's id_dokumen); only hashes stay after. */
  readonly documentsBucket: Bucket;
  readonly pseudonymKey: Key;
  readonly registrySecret: Secret;
  readonly backups: Backups;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: tableDesign.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDesign.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: tableDesign.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      })),
      timeToLiveAttribute: tableDesign.timeToLiveAttribute,
      billing: Billing.onDemand(),
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.dataKey = new Key(this, 'DataKey', {
      description: 'TTE envelope encryption: KYC photos and sealed secrets (NIKs, TOTP secrets, e-mailed links)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.caKey = new Key(this, 'CaKey', {
      description: 'TTE certificate authority signing key (certificates, CRLs, OCSP)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.caKey, [{
      id: 'AwsSolutions-KMS5',
      reason: 'Asymmetric KMS keys cannot rotate automatically; the CA key is re-keyed by issuing a new CA certificate.',
    }]);

    // The timestamp authority signs with a key of its own: a function that timestamps (pki, signing)
    // never needs the CA key for it, and the CA key never signs a token.
    this.tsaKey = new Key(this, 'TsaKey', {
      description: 'TTE timestamp authority signing key (RFC 3161 timestamp tokens)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.tsaKey, [{
      id: 'AwsSolutions-KMS5',
      reason: 'Asymmetric KMS keys cannot rotate automatically; the TSA is re-keyed with a new key (TSA_KEY_ID), which gets a new TSA certificate from the CA on first use.',
    }]);

    // The service's electronic seal (documents the service itself signs, such as the personal-data
    // statement) signs with a key of its own: only the signing function may sign with it, and
    // neither the CA key nor the TSA key ever seals a document.
    this.serviceSealKey = new Key(this, 'ServiceSealKey', {
      description: 'TTE electronic seal signing key (documents sealed by the service itself)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.serviceSealKey, [{
      id: 'AwsSolutions-KMS5',
      reason: 'Asymmetric KMS keys cannot rotate automatically; the seal is re-keyed with a new key (SERVICE_SEAL_KEY_ID), which gets a new seal certificate from the CA on first use.',
    }]);

    // Apart from the data key, so that only the functions that make or use signing keys can
    // ever unwrap one: the verifier API never holds this key.
    this.keyWrappingKey = new Key(this, 'KeyWrappingKey', {
      description: 'TTE user signing keys: data keys that wrap each passphrase-sealed private key',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.pseudonymKey = new Key(this, 'PseudonymKey', {
      description: 'TTE HMAC key: the NIK uniqueness index (the NIK itself is never stored in the clear)',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.pseudonymKey, [{
      id: 'AwsSolutions-KMS5',
      reason: 'HMAC keys cannot rotate: a new key would change every NIK index; rotation is a re-indexing job.',
    }]);

    this.registrySecret = new Secret(this, 'RegistryCredential', {
      description: 'Bearer credential for the civil-service registry (BKN SI-ASN / SIPP gateway); set its value after deploying',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.registrySecret, [{
      id: 'AwsSolutions-SMG4',
      reason: 'The registry credential is issued and rotated by the registry operator (BKN / the province gateway), not by this account.',
    }]);
    new CfnOutput(this, 'RegistryCredentialArn', { description: 'Set the registry credential here after deploying (aws secretsmanager put-secret-value)', value: this.registrySecret.secretArn });

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(accessLogs, [{
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop.',
    }]);

    // What the CA publishes (CRLs): public information, served through the pki function only.
    this.pkiBucket = new Bucket(this, 'PkiBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'pki/',
      // A CRL is replaced at least daily; older ones are kept a month for inquiries.
      lifecycleRules: [{ id: 'old-crls', prefix: 'crl/', expiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.documentsBucket = new Bucket(this, 'DocumentsBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'documents/',
      // The service keeps a signed PDF one day (its hash stays in the table).
      lifecycleRules: [{ id: 'signed-documents', prefix: 'documents/', expiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.photoBucket = new Bucket(this, 'PhotoBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'photos/',
      lifecycleRules: [{
        id: 'kyc-retention',
        expiration: Duration.days(props.photoRetentionDays),
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      cors: photoBucketCors(props.webOrigin).map((rule) => ({
        allowedMethods: rule.allowedMethods.map((method) => HttpMethods[method]), allowedOrigins: rule.allowedOrigins, allowedHeaders: rule.allowedHeaders, maxAge: rule.maxAgeSeconds,
      })),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // PITR above covers the last 35 days to the second; these are the daily copies kept longer,
    // in a vault apart from the table (a deleted table or an emptied bucket leaves them intact).
    this.backups = new Backups(this, 'Backups', {
      stage: props.stage,
      table: this.table,
      photoBucket: this.photoBucket,
      retentionDays: props.backupRetentionDays,
    });
  }
}
