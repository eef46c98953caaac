import { describe, expect, it } from 'vitest';
import {
  actionsOf, asArray, flatten, formatFindings, functionsByContext, logicalIdOf, nagFindings, props, resourcesOf, resourcesText, roleStatements,
  synthesize, type PolicyStatement,
} from './support.js';

// One synthesis for the whole file.
const { stateful, service, serviceTemplate: template } = synthesize();
const tableId = logicalIdOf(stateful, stateful.table);
const billing = (() => {
  const found = functionsByContext(template).get('billing');
  if (found?.length !== 1) throw new Error(`expected one billing function, found ${found?.length ?? 0}`);
  return found[0]!;
})();
const allowed = (): PolicyStatement[] => roleStatements(template, billing.roleId).filter((statement) => statement.Effect === 'Allow');
const dataActions = () => allowed().flatMap(actionsOf).filter((action) => !/^(logs|xray):/.test(action));

describe('service stack: the month-end statements function', () => {
  it('runs at 00:15 WIB on the 1st: cron 15 17 on the last day of every month (UTC), with retries', () => {
    const rules = resourcesOf(template, 'AWS::Events::Rule')
      .filter(([, rule]) => asArray(props(rule).Targets as { Arn: unknown }[]).some((target) => flatten(target.Arn) === `<${billing.logicalId}.Arn>`));
    expect(rules).toHaveLength(1);
    const [ruleId, rule] = rules[0]!;
    expect(props(rule).ScheduleExpression).toBe('cron(15 17 L * ? *)');
    expect(props(rule).State ?? 'ENABLED').toBe('ENABLED');
    const [target] = asArray(props(rule).Targets as { RetryPolicy?: { MaximumRetryAttempts?: number } }[]);
    expect(target?.RetryPolicy?.MaximumRetryAttempts).toBe(3);
    const permissions = resourcesOf(template, 'AWS::Lambda::Permission').filter(([, permission]) =>
      props(permission).Principal === 'events.amazonaws.com' && flatten(props(permission).SourceArn) === `<${ruleId}.Arn>`);
    expect(permissions).toHaveLength(1);
  });

  it('is told the table and the pages\' address (for the link in the e-mail), and nothing else to reach', () => {
    expect(flatten(billing.environment.TABLE_NAME)).toContain(tableId);
    expect(billing.environment.WEB_BASE_URL).toBeDefined();
    for (const name of ['SEALING_KEY_ID', 'KEY_WRAPPING_KEY_ID', 'CA_KEY_ID', 'TSA_KEY_ID', 'PSEUDONYM_KEY_ID', 'PHOTO_BUCKET', 'PKI_BUCKET', 'DOCUMENTS_BUCKET', 'MAIL_FROM']) {
      expect(billing.environment[name], name).toBeUndefined();
    }
  });

  it('holds no key, bucket, secret or mail grant: only the table', () => {
    expect(dataActions().filter((action) => !action.startsWith('dynamodb:'))).toEqual([]);
    for (const statement of allowed().filter((s) => actionsOf(s).some((action) => action.startsWith('dynamodb:')))) {
      expect(resourcesText(statement).every((resource) => resource.includes(tableId)), JSON.stringify(statement.Resource)).toBe(true);
    }
  });

  it('reads without Scan, and writes only Put/Update to tenant (statements), outbox and job-state partitions', () => {
    expect(dataActions().filter((action) => /^dynamodb:(Scan|DeleteItem|BatchWriteItem|\*)/.test(action))).toEqual([]);
    const writes = allowed().filter((statement) => actionsOf(statement).some((action) => /^dynamodb:(PutItem|UpdateItem)$/.test(action)));
    expect(writes).toHaveLength(1);
    expect(actionsOf(writes[0]!).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(writes[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*', 'OUTBOX#*', 'JOB#*'] } });
  });

  it('adds no cdk-nag finding', () => {
    const findings = nagFindings(service).filter((finding) => /\/Billing\//.test(finding.path) || /MonthEnd/.test(finding.path));
    expect(findings, formatFindings(findings)).toEqual([]);
  });
});
