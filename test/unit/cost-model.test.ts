import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { inventoryOf, runsPerMonth } from '../bench/cost-inventory.js';
import {
  activeFloor, checkPrices, flowCost, idleFloor, largestLine, requiredPrices, rupiah, storagePerMonth, verdict,
  type FlowUnits, type Inventory, type PriceFile,
} from '../bench/cost-model.js';

// Round numbers, not AWS's: the test checks the model's arithmetic, not the price file.
const unitPrices: Record<string, number> = {
  'lambda.armGbSecond': 0.001, 'lambda.requests': 0.01,
  'dynamodb.writeRequestUnit': 0.002, 'dynamodb.readRequestUnit': 0.0005, 'dynamodb.storageGbMonth': 1, 'dynamodb.pitrGbMonth': 0.5,
  'kms.keyMonth': 1, 'kms.symmetricRequest': 0.003, 'kms.asymmetricSignRequest': 0.015,
  's3.standardGbMonth': 0.1, 's3.putRequest': 0.005, 's3.getRequest': 0.0004,
  'ses.email': 0.1, 'sfn.standardTransition': 0.025, 'apigateway.restRequest': 0.0035,
  'cloudwatch.customMetricMonth': 0.3, 'cloudwatch.alarmMetricMonth': 0.1, 'cloudwatch.dashboardMonth': 3,
  'cloudwatch.logsIngestedGb': 0.5, 'cloudwatch.logsStoredGbMonth': 0.03,
  'waf.webAclMonth': 5, 'waf.ruleMonth': 1, 'waf.request': 0.0006,
  'secretsmanager.secretMonth': 0.4, 'backup.dynamodbWarmGbMonth': 0.1, 'xray.traceRecorded': 0.000005,
};
const prices: PriceFile = {
  region: 'test-1',
  read: '2026-12-05',
  prices: Object.fromEntries(Object.entries(unitPrices).map(([name, value]) => [name, { unit: 'unit', value, source: 'test', read: '2026-12-05' }])),
  exchangeRate: { pair: 'USD/IDR', value: 16_000, source: 'test', rateDate: '2026-12-01', read: '2026-12-05' },
};

const inventory: Inventory = {
  kmsKeys: [{ id: 'a', kind: 'symmetric' }, { id: 'b', kind: 'asymmetric-sign' }, { id: 'c', kind: 'hmac' }],
  alarms: [{ id: 'plain', metrics: 1 }, { id: 'math', metrics: 2 }],
  dashboards: 1,
  webAcls: [{ id: 'acl', rules: 3 }],
  secrets: 2,
  customMetrics: [{ name: 'A', source: 'metric-filter' }, { name: 'B', source: 'emf' }],
  functionMemoryMb: { api: 1024, outbox: 512, daily: 2048 },
  scheduledRunsPerMonth: { daily: 30 },
};

const flow: FlowUnits = {
  dynamoRcu: 4, dynamoWcu: 10,
  lambda: [{ fn: 'api', ms: 500 }, { fn: 'api', ms: 1500 }, { fn: 'outbox', ms: 100, estimated: true }, { fn: 'other', ms: 1000, memoryMb: 256 }],
  kms: 5, kmsSign: 2, s3: 3, emails: 2, sfnTransitions: 4,
  s3Bytes: 1024 ** 3, dynamoBytes: 1024 ** 3 / 2,
};

const line = (breakdown: { lines: { item: string; usd: number }[] }, item: string) => {
  const found = breakdown.lines.find((entry) => entry.item === item);
  if (!found) throw new Error(`no line ${item}`);
  return found.usd;
};

describe('cost model arithmetic', () => {
  it('prices a flow line by line: GB-seconds from each run\'s memory, KMS Sign apart, S3 as PUTs, API requests from the API-facing runs', () => {
    const cost = flowCost(flow, 1, inventory, prices);
    // (0.5 s + 1.5 s) × 1 GB + 0.1 s × 0.5 GB + 1 s × 0.25 GB = 2.3 GB-s
    expect(line(cost, 'Lambda duration (arm64)')).toBeCloseTo(2.3 * 0.001, 12);
    expect(line(cost, 'Lambda requests')).toBeCloseTo(4 * 0.01, 12);
    expect(line(cost, 'DynamoDB writes')).toBeCloseTo(10 * 0.002, 12);
    expect(line(cost, 'DynamoDB reads')).toBeCloseTo(4 * 0.0005, 12);
    expect(line(cost, 'KMS requests')).toBeCloseTo(3 * 0.003, 12);
    expect(line(cost, 'KMS asymmetric Sign')).toBeCloseTo(2 * 0.015, 12);
    expect(line(cost, 'S3 requests')).toBeCloseTo(3 * 0.005, 12);
    expect(line(cost, 'SES e-mails')).toBeCloseTo(2 * 0.1, 12);
    expect(line(cost, 'Step Functions transitions')).toBeCloseTo(4 * 0.025, 12);
    // 'api' twice and 'other' once are behind the API; 'outbox' is not.
    expect(line(cost, 'API Gateway requests')).toBeCloseTo(3 * 0.0035, 12);
    expect(line(cost, 'WAF requests')).toBeCloseTo(3 * 0.0006, 12);
    expect(line(cost, 'X-Ray traces')).toBeCloseTo(4 * 0.000005, 15);
    expect(line(cost, 'CloudWatch logs ingested')).toBeCloseTo(((4 * 1024) / 1024 ** 3) * 0.5, 15);
    expect(cost.usd).toBeCloseTo(cost.lines.reduce((total, entry) => total + entry.usd, 0), 12);
  });

  it('scales with the count and honours the measured split when the file has one', () => {
    const split: FlowUnits = { ...flow, s3: 10, s3Get: 4, apiRequests: 7, logBytes: 1024 ** 3 };
    const one = flowCost(split, 1, inventory, prices);
    const thousand = flowCost(split, 1000, inventory, prices);
    expect(thousand.usd).toBeCloseTo(one.usd * 1000, 9);
    expect(line(one, 'S3 requests')).toBeCloseTo(6 * 0.005 + 4 * 0.0004, 12);
    expect(line(one, 'API Gateway requests')).toBeCloseTo(7 * 0.0035, 12);
    expect(line(one, 'CloudWatch logs ingested')).toBeCloseTo(0.5, 12);
  });

  it('reads the load bench\'s form: runs per function with their total ms and count, KMS split by operation', () => {
    const { kmsSign: _notInThatForm, ...units } = flow;
    const aggregated: FlowUnits = {
      ...units,
      lambda: [{ fn: 'api', ms: 2000, memoryMb: 1024, invocations: 3 }, { fn: 'outbox', ms: 1000, memoryMb: 512, invocations: 2 }],
      kmsByOperation: { Encrypt: 2, Sign: 3 },
    };
    const cost = flowCost(aggregated, 1, inventory, prices);
    expect(line(cost, 'Lambda duration (arm64)')).toBeCloseTo((2 * 1 + 1 * 0.5) * 0.001, 12);
    expect(line(cost, 'Lambda requests')).toBeCloseTo(5 * 0.01, 12);
    expect(line(cost, 'API Gateway requests')).toBeCloseTo(3 * 0.0035, 12);
    expect(line(cost, 'KMS asymmetric Sign')).toBeCloseTo(3 * 0.015, 12);
    expect(line(cost, 'KMS requests')).toBeCloseTo(2 * 0.003, 12);
  });

  it('refuses a run of a function it knows no memory size for', () => {
    expect(() => flowCost({ ...flow, lambda: [{ fn: 'unknown', ms: 10 }] }, 1, inventory, prices)).toThrow(/unknown/);
  });

  it('adds up the idle floor from what exists: keys, web ACL and rules, alarm metrics, dashboards, secrets, scheduled runs', () => {
    const floor = idleFloor(inventory, prices);
    expect(line(floor, 'KMS customer managed keys')).toBe(3);
    expect(line(floor, 'WAF web ACL')).toBe(5);
    expect(line(floor, 'WAF rules')).toBe(3);
    expect(line(floor, 'CloudWatch alarms')).toBeCloseTo(0.3, 12);
    expect(line(floor, 'CloudWatch dashboards')).toBe(3);
    expect(line(floor, 'Secrets Manager')).toBeCloseTo(0.8, 12);
    // 30 runs × 1 s × 2 GB, and 30 requests
    expect(line(floor, 'Scheduled runs (daily jobs)')).toBeCloseTo(60 * 0.001 + 30 * 0.01, 12);
    expect(floor.usd).toBeCloseTo(3 + 5 + 3 + 0.3 + 3 + 0.8 + 0.36, 12);
    expect(largestLine(floor).item).toBe('WAF web ACL');
    expect(activeFloor(inventory, prices).usd).toBeCloseTo(0.6, 12);
  });

  it('adds the rotating keys\' extra versions from year 2 (two at most), and applies CloudWatch\'s free tier when asked', () => {
    const rotating: Inventory = { ...inventory, kmsKeys: [...inventory.kmsKeys, { id: 'r1', kind: 'symmetric', rotates: true }, { id: 'r2', kind: 'symmetric', rotates: true }] };
    expect(line(idleFloor(rotating, prices), 'KMS customer managed keys')).toBe(5);
    expect(line(idleFloor(rotating, prices, { year: 2 }), 'KMS customer managed keys')).toBe(5 + 2);
    expect(line(idleFloor(rotating, prices, { year: 3 }), 'KMS customer managed keys')).toBe(5 + 4);
    expect(line(idleFloor(rotating, prices, { year: 9 }), 'KMS customer managed keys')).toBe(5 + 4);
    const many: Inventory = { ...inventory, alarms: Array.from({ length: 12 }, (_, i) => ({ id: `a${i}`, metrics: 1 })), dashboards: 4 };
    const free = idleFloor(many, prices, { freeTier: true });
    expect(line(free, 'CloudWatch alarms')).toBeCloseTo(2 * 0.1, 12);
    expect(line(free, 'CloudWatch dashboards')).toBe(3);
    expect(line(idleFloor(inventory, prices, { freeTier: true }), 'CloudWatch alarms')).toBe(0);
  });

  it('prices what a flow leaves stored by the month, PITR on top of the table', () => {
    const stored = storagePerMonth(flow, 2, prices);
    expect(line(stored, 'DynamoDB storage + PITR')).toBeCloseTo(1 * (1 + 0.5), 12);
    expect(line(stored, 'S3 Standard storage')).toBeCloseTo(2 * 0.1, 12);
  });

  it('converts to rupiah and says by how much a target is missed', () => {
    expect(rupiah(2.5, prices)).toBe(40_000);
    expect(verdict({ label: 'x', usd: 4, targetUsd: 5 })).toBe('ok');
    expect(verdict({ label: 'x', usd: 23, targetUsd: 5 })).toBe('OVER by $18.00 (4.6x the target)');
  });

  it('refuses a price file that lacks a price or the exchange rate', () => {
    expect(() => checkPrices(prices)).not.toThrow();
    const { ['ses.email']: _dropped, ...rest } = prices.prices;
    expect(() => checkPrices({ ...prices, prices: rest })).toThrow(/ses\.email/);
    expect(() => checkPrices({ ...prices, exchangeRate: { ...prices.exchangeRate, value: 0 } })).toThrow(/exchange rate/);
    expect(requiredPrices.every((name) => name in unitPrices)).toBe(true);
  });
});

describe('inventory from a template', () => {
  it('counts schedules by the month', () => {
    expect(runsPerMonth('cron(5 0 * * ? *)')).toBe(30);
    expect(runsPerMonth('cron(15 17 L * ? *)')).toBe(1);
    expect(runsPerMonth('cron(0/15 * * * ? *)')).toBe(4 * 24 * 30);
    expect(runsPerMonth('rate(6 hours)')).toBe(120);
    expect(() => runsPerMonth('at(2026-12-31T00:00:00)')).toThrow();
  });

  it('counts keys by kind, metric-math alarms by their metrics, WAF rules, filters, memory and schedules', () => {
    const template = Template.fromJSON({
      Resources: {
        Sym: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
        Ca: { Type: 'AWS::KMS::Key', Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' } },
        Mac: { Type: 'AWS::KMS::Key', Properties: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' } },
        Plain: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors' } },
        Math: { Type: 'AWS::CloudWatch::Alarm', Properties: { Metrics: [{ Id: 'e', Expression: 'a/b' }, { Id: 'a', MetricStat: {} }, { Id: 'b', MetricStat: {} }] } },
        Board: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
        Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{ Name: 'common' }, { Name: 'rate' }] } },
        Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
        Filter: { Type: 'AWS::Logs::MetricFilter', Properties: { MetricTransformations: [{ MetricName: 'api.ServerErrors' }] } },
        Role: { Type: 'AWS::IAM::Role', Properties: {} },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 768, Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'pki' } } } },
        Daily: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'cron(5 0 * * ? *)', Targets: [{ Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] } }] } },
        Events: { Type: 'AWS::Events::Rule', Properties: { EventPattern: {}, Targets: [{ Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] } }] } },
      },
    });
    const counted = inventoryOf([template]);
    expect(counted.kmsKeys.map((key) => key.kind).sort()).toEqual(['asymmetric-sign', 'hmac', 'symmetric']);
    expect(counted.kmsKeys.filter((key) => key.rotates).map((key) => key.id)).toEqual(['Sym']);
    expect(counted.alarms.map((alarm) => alarm.metrics).sort()).toEqual([1, 2]);
    expect(counted.dashboards).toBe(1);
    expect(counted.webAcls).toEqual([{ id: 'Acl', rules: 2 }]);
    expect(counted.secrets).toBe(1);
    expect(counted.functionMemoryMb).toEqual({ pki: 768 });
    expect(counted.scheduledRunsPerMonth).toEqual({ pki: 30 });
    expect(counted.customMetrics.filter((metric) => metric.source === 'metric-filter')).toEqual([{ name: 'api.ServerErrors', source: 'metric-filter' }]);
    expect(counted.customMetrics.some((metric) => metric.source === 'emf')).toBe(true);
  });
});
