import { App, Aspects, Duration } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ServiceStack } from './stacks/service-stack.js';
import { StatefulStack } from './stacks/stateful-stack.js';
import { requestedStage, resolveStage, type StageSettings } from './stage-config.js';

export interface BuiltStage { stage: string; settings: StageSettings; stateful: StatefulStack; service: ServiceStack }

/**
 * One stage's pair of stacks, `Tte-<stage>-Stateful` and `Tte-<stage>-Service`. Everything either
 * stack names physically carries the stage too, so any two stages live side by side in an account.
 * The only place the CDK context is read: the stacks get typed settings.
 */
export function buildStage(app: App, stageName: string): BuiltStage {
  const { stage, settings } = resolveStage((key) => app.node.tryGetContext(key), stageName);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

  const stateful = new StatefulStack(app, `Tte-${stage}-Stateful`, {
    env,
    stage,
    photoRetentionDays: settings.photoRetentionDays,
    webOrigin: new URL(settings.webBaseUrl).origin,
    backupRetentionDays: settings.backupRetentionDays,
  });
  const service = new ServiceStack(app, `Tte-${stage}-Service`, {
    env,
    table: stateful.table,
    photoBucket: stateful.photoBucket,
    dataKey: stateful.dataKey,
    caKey: stateful.caKey,
    tsaKey: stateful.tsaKey,
    serviceSealKey: stateful.serviceSealKey,
    keyWrappingKey: stateful.keyWrappingKey,
    pkiBucket: stateful.pkiBucket,
    documentsBucket: stateful.documentsBucket,
    pseudonymKey: stateful.pseudonymKey,
    registrySecret: stateful.registrySecret,
    settings: {
      stage,
      webBaseUrl: settings.webBaseUrl,
      mailFrom: settings.mailFrom,
      mailDomain: settings.mailDomain,
      mailFromSubdomain: settings.mailFromSubdomain,
      dmarcReportEmail: settings.dmarcReportEmail,
      sesConfigurationSet: settings.sesConfigurationSet,
      emailSubjectPrefix: settings.emailSubjectPrefix,
      alarmEmails: settings.alarmEmails,
      monthlyBudgetUsd: settings.monthlyBudgetUsd,
      approvalTimeout: Duration.days(settings.approvalTimeoutDays),
      registryUrl: settings.registryUrl,
      serviceName: settings.serviceName,
      sessionIdleMinutes: settings.sessionIdleMinutes,
      sessionMaxHours: settings.sessionMaxHours,
      publicBaseUrl: settings.publicBaseUrl,
      certificatePolicyOid: settings.certificatePolicyOid,
      certificateValidityDays: settings.certificateValidityDays,
      caCommonName: settings.caCommonName,
      caOrganizationName: settings.caOrganizationName,
      tsaCommonName: settings.tsaCommonName,
      closedApplicationPhotoDays: settings.closedApplicationPhotoDays,
      erasedNikClaimDays: settings.erasedNikClaimDays,
      waf: settings.waf,
      pkiWafLimitPerFiveMinutes: settings.pkiWafLimitPerFiveMinutes,
      dashboard: settings.dashboard,
    },
  });
  return { stage, settings, stateful, service };
}

/** The app for the stage asked for with `-c stage=<name>` (dev when absent), cdk-nag on every stack. */
export function buildApp(app: App = new App()): { app: App } & BuiltStage {
  // Explicit, so cross-stack exports between the stateful and service stacks are protected.
  app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  const built = buildStage(app, requestedStage((key) => app.node.tryGetContext(key)));
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { app, ...built };
}

// Run as the CDK app (cdk.json), not when imported by the tests.
if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
