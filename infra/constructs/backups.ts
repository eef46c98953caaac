import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface BackupsProps {
  stage: string;
  table: ITable;
  /** Versioned (AWS Backup for S3 requires it). */
  photoBucket: IBucket;
  retentionDays: number;
}

/**
 * Daily AWS Backup copies of the table and the photo bucket into a vault of this stage, encrypted
 * with AWS Backup's own AWS managed key (aws/backup), kept `retentionDays`. That key is apart from
 * the data key (a photo's backup survives the data key's deletion), no principal of the account can
 * delete or disable it, and it costs nothing; what it cannot do is let another account read a copy
 * (cross-account copies need a customer managed key: docs/security.md §4.4). Beside them: the table's PITR (35 days, to the
 * second) and the bucket's versioning (30 days of deleted versions); see docs/operations.md.
 */
export class Backups extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;

  constructor(scope: Construct, id: string, props: BackupsProps) {
    super(scope, id);
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: `tte-${props.stage}-backups`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.plan = new BackupPlan(this, 'Plan', {
      backupPlanName: `tte-${props.stage}-daily`,
      backupVault: this.vault,
      backupPlanRules: [new BackupPlanRule({
        ruleName: 'Daily',
        // 02:00 WIB, when the agencies are asleep.
        scheduleExpression: Schedule.cron({ minute: '0', hour: '19' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(8),
        deleteAfter: Duration.days(props.retentionDays),
      })],
    });
    // Backing up only: a restore runs under a role the operator picks at that time (see the runbook),
    // so the role that is always there cannot write over the data.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('backup.amazonaws.com'),
      description: `AWS Backup reads the TTE ${props.stage} table and photo bucket for the daily plan`,
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Backup'),
      ],
    });
    this.plan.addSelection('Selection', {
      backupSelectionName: `tte-${props.stage}-table-and-photos`,
      resources: [BackupResource.fromArn(props.table.tableArn), BackupResource.fromArn(props.photoBucket.bucketArn)],
      role,
      // The role already has the backup policy; no restore policy on purpose (above).
      disableDefaultBackupPolicy: true,
    });
    NagSuppressions.addResourceSuppressions(role, [{
      id: 'AwsSolutions-IAM4',
      reason: 'AWS maintains the exact permissions AWS Backup needs per resource type (DynamoDB, S3 with its inventory, EventBridge and KMS-via-S3 calls); the role is assumable only by backup.amazonaws.com and the plan selects exactly the table and the photo bucket.',
      appliesTo: [
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
        'Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup',
      ],
    }]);
  }
}
