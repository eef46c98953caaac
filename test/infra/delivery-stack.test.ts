import { describe, expect, it } from 'vitest';
import {
  actionsOf, asArray, flatten, formatFindings, functionsByContext, logicalIdOf, nagFindings, props, resourceById, resourcesOf, resourcesText, roleStatements,
  synthesize, type PolicyStatement,
} from './support.js';

// One synthesis for the whole file.
const { stateful, service, serviceTemplate: template } = synthesize();
const tableId = logicalIdOf(stateful, stateful.table);
const delivery = (() => {
  const found = functionsByContext(template).get('delivery');
  if (found?.length !== 1) throw new Error(`expected one delivery function, found ${found?.length ?? 0}`);
  return found[0]!;
})();
const allowed = (): PolicyStatement[] => roleStatements(template, delivery.roleId).filter((statement) => statement.Effect === 'Allow');
const dataActions = () => allowed().flatMap(actionsOf).filter((action) => !/^(logs|xray):/.test(action));
const ruleOfDelivery = () => {
  const rules = resourcesOf(template, 'AWS::Events::Rule')
    .filter(([, rule]) => asArray(props(rule).Targets as { Arn: unknown }[]).some((target) => flatten(target.Arn) === `<${delivery.logicalId}.Arn>`));
  expect(rules).toHaveLength(1);
  return rules[0]!;
};

describe('service stack: SES delivery events', () => {
  it('publishes delivery, bounce, complaint, reject and delay events of the configuration set to the default event bus', () => {
    const destinations = resourcesOf(template, 'AWS::SES::ConfigurationSetEventDestination');
    expect(destinations).toHaveLength(1);
    const { ConfigurationSetName, EventDestination } = props(destinations[0]![1]) as {
      ConfigurationSetName: unknown; EventDestination: { Enabled?: boolean; MatchingEventTypes: string[]; EventBridgeDestination: { EventBusArn: unknown } };
    };
    const [configurationSet] = resourcesOf(template, 'AWS::SES::ConfigurationSet');
    expect(flatten(ConfigurationSetName)).toBe(`<${configurationSet![0]}>`);
    expect([...EventDestination.MatchingEventTypes].sort()).toEqual(['bounce', 'complaint', 'delivery', 'deliveryDelay', 'reject']);
    expect(flatten(EventDestination.EventBridgeDestination.EventBusArn)).toMatch(/event-bus\/default$/);
    expect(EventDestination.Enabled ?? true).toBe(true);
  });

  it('routes only SES events of our configuration set, of the five types, to the function, with retries and a dead-letter queue', () => {
    const [ruleId, rule] = ruleOfDelivery();
    const pattern = props(rule).EventPattern as { source: string[]; 'detail-type': string[]; detail: { mail: { tags: Record<string, unknown[]> } } };
    expect(pattern.source).toEqual(['aws.ses']);
    expect([...pattern['detail-type']].sort()).toEqual(['Email Bounced', 'Email Complaint Received', 'Email Delivered', 'Email Delivery Delayed', 'Email Rejected']);
    const [configurationSet] = resourcesOf(template, 'AWS::SES::ConfigurationSet');
    expect(pattern.detail.mail.tags['ses:configuration-set']!.map(flatten)).toEqual([`<${configurationSet![0]}>`]);
    const [target] = asArray(props(rule).Targets as { RetryPolicy?: { MaximumRetryAttempts?: number }; DeadLetterConfig?: { Arn: unknown } }[]);
    expect(target?.RetryPolicy?.MaximumRetryAttempts).toBe(8);
    const dlqId = /^<(.+)\.Arn>$/.exec(flatten(target?.DeadLetterConfig?.Arn))?.[1];
    expect(dlqId).toBeDefined();
    expect(resourceById(template, dlqId!).Type).toBe('AWS::SQS::Queue');
    const permissions = resourcesOf(template, 'AWS::Lambda::Permission').filter(([, permission]) =>
      props(permission).Principal === 'events.amazonaws.com' && flatten(props(permission).SourceArn) === `<${ruleId}.Arn>`);
    expect(permissions).toHaveLength(1);
  });

  it('is told the table, the pages\' address (the link in the notice) and the configuration set, and no key, bucket or sender', () => {
    expect(flatten(delivery.environment.TABLE_NAME)).toContain(tableId);
    expect(delivery.environment.WEB_BASE_URL).toBeDefined();
    expect(delivery.environment.SES_CONFIGURATION_SET).toBeDefined();
    for (const name of ['SEALING_KEY_ID', 'KEY_WRAPPING_KEY_ID', 'CA_KEY_ID', 'TSA_KEY_ID', 'PSEUDONYM_KEY_ID', 'PHOTO_BUCKET', 'PKI_BUCKET', 'DOCUMENTS_BUCKET', 'MAIL_FROM']) {
      expect(delivery.environment[name], name).toBeUndefined();
    }
  });

  it('holds no key, bucket, secret or mail grant: only the table', () => {
    expect(dataActions().filter((action) => !action.startsWith('dynamodb:'))).toEqual([]);
    for (const statement of allowed().filter((s) => actionsOf(s).some((action) => action.startsWith('dynamodb:')))) {
      expect(resourcesText(statement).every((resource) => resource.includes(tableId)), JSON.stringify(statement.Resource)).toBe(true);
    }
  });

  it('reads without Scan, and writes only Put/Update to outbox, user and address-block partitions', () => {
    expect(dataActions().filter((action) => /^dynamodb:(Scan|DeleteItem|BatchWriteItem|\*)/.test(action))).toEqual([]);
    const writes = allowed().filter((statement) => actionsOf(statement).some((action) => /^dynamodb:(PutItem|UpdateItem)$/.test(action)));
    expect(writes).toHaveLength(1);
    expect(actionsOf(writes[0]!).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(writes[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['OUTBOX#*', 'USER#*', 'EMAILBLOCK#*'] } });
  });

  it('adds no cdk-nag finding', () => {
    const findings = nagFindings(service).filter((finding) => /\/Delivery/.test(finding.path) || /SesDeliveryEvents|MailConfiguration/.test(finding.path));
    expect(findings, formatFindings(findings)).toEqual([]);
  });
});
