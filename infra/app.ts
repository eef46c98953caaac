import { App, Aspects, Duration } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ServiceStack } from './stacks/service-stack.js';
import { StatefulStack } from './stacks/stateful-stack.js';

/** Reads a required CDK context value, failing with its name. */
function contextValue(app: App, name: string): string {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === null) throw new Error(`Missing CDK context "${name}" (set it in cdk.json or with -c ${name}=...)`);
  return String(value);
}

export function buildApp(app: App = new App()): { app: App; stateful: StatefulStack; service: ServiceStack } {
  // Explicit, so cross-stack exports between the stateful and service stacks are protected.
  app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  const stage = contextValue(app, 'tte:stage');
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const webBaseUrl = contextValue(app, 'tte:webBaseUrl');

  const stateful = new StatefulStack(app, `Tte-${stage}-Stateful`, {
    env,
    photoRetentionDays: Number(contextValue(app, 'tte:photoRetentionDays')),
    webOrigin: new URL(webBaseUrl).origin,
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
      webBaseUrl,
      mailFrom: contextValue(app, 'tte:mailFrom'),
      sesConfigurationSet: String(app.node.tryGetContext('tte:sesConfigurationSet') ?? ''),
      emailSubjectPrefix: contextValue(app, 'tte:emailSubjectPrefix'),
      approvalTimeout: Duration.days(Number(contextValue(app, 'tte:approvalTimeoutDays'))),
      registryUrl: contextValue(app, 'tte:registryUrl'),
      serviceName: contextValue(app, 'tte:serviceName'),
      sessionIdleMinutes: Number(contextValue(app, 'tte:sessionIdleMinutes')),
      sessionMaxHours: Number(contextValue(app, 'tte:sessionMaxHours')),
      publicBaseUrl: contextValue(app, 'tte:publicBaseUrl'),
      certificatePolicyOid: contextValue(app, 'tte:certificatePolicyOid'),
      certificateValidityDays: Number(contextValue(app, 'tte:certificateValidityDays')),
      caCommonName: contextValue(app, 'tte:caCommonName'),
      caOrganizationName: contextValue(app, 'tte:caOrganizationName'),
      tsaCommonName: String(app.node.tryGetContext('tte:tsaCommonName') ?? ''),
      closedApplicationPhotoDays: Number(contextValue(app, 'tte:closedApplicationPhotoDays')),
      erasedNikClaimDays: Number(contextValue(app, 'tte:erasedNikClaimDays')),
    },
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { app, stateful, service };
}

// Run as the CDK app (cdk.json), not when imported by the tests.
if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
