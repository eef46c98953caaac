/**
 * The cost model of `npm run cost` (issue #12, part 5): pure arithmetic over three inputs, each a
 * file or a reading of one, so the unit test can feed it a tiny fixed case.
 *   - prices: docs/prices/aws-<region>-<yyyy-mm>.json (USD per unit, each with its source);
 *   - inventory: what the synthesized stacks hold that costs by the month (KMS keys, alarm
 *     metrics, dashboards, WAF rules, secrets, scheduled runs, function memory sizes);
 *   - measured flows: docs/measured-flows.json (units one flow consumes, from a bench run).
 * Nothing here reads a file or the network.
 */

export interface Price { unit: string; value: number; source: string; read: string; jakartaConfirmed?: boolean; note?: string }
export interface PriceFile {
  region: string;
  read: string;
  prices: Record<string, Price>;
  exchangeRate: { pair: string; value: number; source: string; rateDate: string; read: string; note?: string };
}

/** The price names the model reads; a price file missing one is refused before any figure is printed. */
export const requiredPrices = [
  'lambda.armGbSecond', 'lambda.requests',
  'dynamodb.writeRequestUnit', 'dynamodb.readRequestUnit', 'dynamodb.storageGbMonth', 'dynamodb.pitrGbMonth',
  'kms.keyMonth', 'kms.symmetricRequest', 'kms.asymmetricSignRequest',
  's3.standardGbMonth', 's3.putRequest', 's3.getRequest',
  'ses.email', 'sfn.standardTransition', 'apigateway.restRequest',
  'cloudwatch.customMetricMonth', 'cloudwatch.alarmMetricMonth', 'cloudwatch.dashboardMonth',
  'cloudwatch.logsIngestedGb', 'cloudwatch.logsStoredGbMonth',
  'waf.webAclMonth', 'waf.ruleMonth', 'waf.request',
  'secretsmanager.secretMonth', 'backup.dynamodbWarmGbMonth', 'xray.traceRecorded',
] as const;
export type PriceName = (typeof requiredPrices)[number];

export interface Inventory {
  /** `rotates`: automatic yearly rotation, each of whose first two rotations adds a key-month. */
  kmsKeys: { id: string; kind: 'symmetric' | 'asymmetric-sign' | 'hmac'; rotates?: boolean }[];
  /** Each alarm with the number of metrics it reads (a metric-math alarm is billed per metric). */
  alarms: { id: string; metrics: number }[];
  dashboards: number;
  webAcls: { id: string; rules: number }[];
  secrets: number;
  /** Custom metrics an active deployment publishes (log metric filters + EMF business metrics). */
  customMetrics: { name: string; source: 'metric-filter' | 'emf' }[];
  /** Memory of each function, by its bounded context (POWERTOOLS_SERVICE_NAME). */
  functionMemoryMb: Record<string, number>;
  /** Scheduled invocations a month, by function context (EventBridge schedules). */
  scheduledRunsPerMonth: Record<string, number>;
}

/** A function's runs in one flow: `ms` is their total, over `invocations` runs (one when absent). */
export interface LambdaRun { fn: string; ms: number; memoryMb?: number; invocations?: number; estimated?: boolean }

/** One flow's units, as docs/measured-flows.json holds them (the optional fields refine the estimate). */
export interface FlowUnits {
  dynamoRcu: number;
  dynamoWcu: number;
  lambda: LambdaRun[];
  /** KMS requests of every kind; `kmsSign` of them are asymmetric Sign (priced higher). */
  kms: number;
  kmsSign?: number;
  /** The load bench's split of `kms` by operation; its `Sign` is used when `kmsSign` is absent. */
  kmsByOperation?: Record<string, number>;
  /** S3 requests; when `s3Put`/`s3Get` are absent every request is priced as a PUT (the dearer). */
  s3: number;
  s3Put?: number;
  s3Get?: number;
  emails: number;
  sfnTransitions: number;
  /** Requests through API Gateway (and WAF); by default the Lambda runs of API-facing functions. */
  apiRequests?: number;
  /** Bytes of CloudWatch logs written; by default `assumedLogBytesPerInvocation` per Lambda run. */
  logBytes?: number;
  /** Bytes the flow leaves stored (photos, signed PDFs; table items), for the per-month storage line. */
  s3Bytes?: number;
  dynamoBytes?: number;
}

export interface MeasuredFlows {
  measuredAt: string;
  machine: string;
  flows: Record<string, FlowUnits>;
}

/** Functions that are not behind API Gateway (stream, events, Step Functions, schedules). */
export const backgroundFunctions = new Set(['outbox', 'delivery', 'flows', 'notices', 'billing']);
/** START/END/REPORT lines plus a few structured lines, when a flow file has no logBytes. */
export const assumedLogBytesPerInvocation = 1024;
/** What a scheduled run is assumed to take when no measure exists (it reads little on a quiet table). */
export const assumedScheduledRunMs = 1000;

export interface Line { item: string; quantity: string; usd: number }
export interface Breakdown { lines: Line[]; usd: number }

const sum = (lines: readonly Line[]) => lines.reduce((total, line) => total + line.usd, 0);
const GB = 1024 ** 3;

export function checkPrices(file: PriceFile): void {
  const missing = requiredPrices.filter((name) => typeof file.prices[name]?.value !== 'number');
  if (missing.length > 0) throw new Error(`the price file lacks ${missing.join(', ')}`);
  if (!(file.exchangeRate?.value > 0)) throw new Error('the price file has no USD/IDR exchange rate');
}

const priceOf = (file: PriceFile, name: PriceName) => file.prices[name]!.value;

/** CloudWatch's always-free tier, per account (docs/prices notes): alarm metrics, dashboards, custom metrics. */
export const cloudWatchFreeTier = { alarmMetrics: 10, dashboards: 3, customMetrics: 10 } as const;

export interface FloorOptions {
  /** Years since deployment: rotating keys add a key-month per rotation, for their first two (year 2: +1, year 3 on: +2). */
  year?: number;
  /** Apply CloudWatch's always-free tier (right for one stage alone in its account). */
  freeTier?: boolean;
}

/** The monthly cost of a deployment that serves nobody: what exists, not what runs. */
export function idleFloor(inventory: Inventory, prices: PriceFile, options: FloorOptions = {}): Breakdown {
  const p = (name: PriceName) => priceOf(prices, name);
  const free = options.freeTier ? cloudWatchFreeTier : { alarmMetrics: 0, dashboards: 0, customMetrics: 0 };
  const rotations = Math.min(2, Math.max(0, Math.floor(options.year ?? 1) - 1));
  const rotating = inventory.kmsKeys.filter((key) => key.rotates).length;
  const alarmMetrics = inventory.alarms.reduce((total, alarm) => total + alarm.metrics, 0);
  const billedAlarmMetrics = Math.max(0, alarmMetrics - free.alarmMetrics);
  const billedDashboards = Math.max(0, inventory.dashboards - free.dashboards);
  const rules = inventory.webAcls.reduce((total, acl) => total + acl.rules, 0);
  const kinds = (kind: Inventory['kmsKeys'][number]['kind']) => inventory.kmsKeys.filter((key) => key.kind === kind).length;
  const scheduled = Object.entries(inventory.scheduledRunsPerMonth);
  const scheduledRuns = scheduled.reduce((total, [, runs]) => total + runs, 0);
  const scheduledGbSeconds = scheduled.reduce((total, [fn, runs]) => total + runs * (assumedScheduledRunMs / 1000) * ((inventory.functionMemoryMb[fn] ?? 512) / 1024), 0);
  const lines: Line[] = [
    {
      item: 'KMS customer managed keys',
      quantity: `${inventory.kmsKeys.length} keys (${kinds('symmetric')} symmetric, ${kinds('asymmetric-sign')} ECC signing, ${kinds('hmac')} HMAC)`
        + (rotations > 0 && rotating > 0 ? ` + ${rotating * rotations} rotated versions (year ${Math.floor(options.year ?? 1)})` : ''),
      usd: (inventory.kmsKeys.length + rotating * rotations) * p('kms.keyMonth'),
    },
    { item: 'WAF web ACL', quantity: `${inventory.webAcls.length} web ACL`, usd: inventory.webAcls.length * p('waf.webAclMonth') },
    { item: 'WAF rules', quantity: `${rules} rules (a managed group counts as one)`, usd: rules * p('waf.ruleMonth') },
    {
      item: 'CloudWatch alarms',
      quantity: `${inventory.alarms.length} alarms reading ${alarmMetrics} metrics${options.freeTier ? ` (${alarmMetrics - billedAlarmMetrics} free)` : ''}`,
      usd: billedAlarmMetrics * p('cloudwatch.alarmMetricMonth'),
    },
    { item: 'CloudWatch dashboards', quantity: `${inventory.dashboards}${options.freeTier ? ` (${inventory.dashboards - billedDashboards} free)` : ''}`, usd: billedDashboards * p('cloudwatch.dashboardMonth') },
    { item: 'Secrets Manager', quantity: `${inventory.secrets} secret`, usd: inventory.secrets * p('secretsmanager.secretMonth') },
    {
      item: 'Scheduled runs (daily jobs)',
      quantity: `${scheduledRuns} runs × ${assumedScheduledRunMs} ms (assumed)`,
      usd: scheduledGbSeconds * p('lambda.armGbSecond') + scheduledRuns * p('lambda.requests'),
    },
    // AWS Backup, Step Functions, API Gateway, SNS, S3 and DynamoDB on-demand charge nothing for
    // existing: only storage, which an idle deployment barely has (shown for completeness).
    { item: 'Backup vault, state machine, API, topic, buckets, table', quantity: 'no charge for existing; storage only', usd: 0 },
  ];
  return { lines, usd: sum(lines) };
}

/** What an active deployment adds by the month whatever its volume: each custom metric once published. */
export function activeFloor(inventory: Inventory, prices: PriceFile): Breakdown {
  const fromFilters = inventory.customMetrics.filter((metric) => metric.source === 'metric-filter').length;
  const fromEmf = inventory.customMetrics.length - fromFilters;
  const lines: Line[] = [{
    item: 'CloudWatch custom metrics',
    quantity: `${inventory.customMetrics.length} (${fromFilters} log metric filters, ${fromEmf} business metrics)`,
    usd: inventory.customMetrics.length * priceOf(prices, 'cloudwatch.customMetricMonth'),
  }];
  return { lines, usd: sum(lines) };
}

/** The cost of `count` runs of one flow, by line item. */
export function flowCost(flow: FlowUnits, count: number, inventory: Pick<Inventory, 'functionMemoryMb'>, prices: PriceFile): Breakdown {
  const p = (name: PriceName) => priceOf(prices, name);
  const memoryOf = (run: LambdaRun) => {
    const memory = run.memoryMb ?? inventory.functionMemoryMb[run.fn];
    if (memory === undefined) throw new Error(`no memory size for function "${run.fn}" (not in the stack, none measured)`);
    return memory;
  };
  const gbSeconds = flow.lambda.reduce((total, run) => total + (run.ms / 1000) * (memoryOf(run) / 1024), 0);
  const runs = (run: LambdaRun) => run.invocations ?? 1;
  const invocations = flow.lambda.reduce((total, run) => total + runs(run), 0);
  const apiRequests = flow.apiRequests ?? flow.lambda.filter((run) => !backgroundFunctions.has(run.fn)).reduce((total, run) => total + runs(run), 0);
  const kmsSign = Math.min(flow.kmsSign ?? flow.kmsByOperation?.Sign ?? 0, flow.kms);
  const s3Put = flow.s3Put ?? (flow.s3Get === undefined ? flow.s3 : flow.s3 - flow.s3Get);
  const s3Get = flow.s3Get ?? 0;
  const logBytes = flow.logBytes ?? invocations * assumedLogBytesPerInvocation;
  const per = (value: number) => value * count;
  const lines: Line[] = [
    { item: 'Lambda duration (arm64)', quantity: `${per(gbSeconds).toFixed(1)} GB-s`, usd: per(gbSeconds) * p('lambda.armGbSecond') },
    { item: 'Lambda requests', quantity: `${per(invocations)}`, usd: per(invocations) * p('lambda.requests') },
    { item: 'DynamoDB writes', quantity: `${per(flow.dynamoWcu).toFixed(0)} WRU`, usd: per(flow.dynamoWcu) * p('dynamodb.writeRequestUnit') },
    { item: 'DynamoDB reads', quantity: `${per(flow.dynamoRcu).toFixed(0)} RRU`, usd: per(flow.dynamoRcu) * p('dynamodb.readRequestUnit') },
    { item: 'KMS requests', quantity: `${per(flow.kms - kmsSign)}`, usd: per(flow.kms - kmsSign) * p('kms.symmetricRequest') },
    { item: 'KMS asymmetric Sign', quantity: `${per(kmsSign)}`, usd: per(kmsSign) * p('kms.asymmetricSignRequest') },
    { item: 'S3 requests', quantity: `${per(s3Put)} PUT, ${per(s3Get)} GET`, usd: per(s3Put) * p('s3.putRequest') + per(s3Get) * p('s3.getRequest') },
    { item: 'SES e-mails', quantity: `${per(flow.emails)}`, usd: per(flow.emails) * p('ses.email') },
    { item: 'Step Functions transitions', quantity: `${per(flow.sfnTransitions)}`, usd: per(flow.sfnTransitions) * p('sfn.standardTransition') },
    { item: 'API Gateway requests', quantity: `${per(apiRequests)}`, usd: per(apiRequests) * p('apigateway.restRequest') },
    { item: 'WAF requests', quantity: `${per(apiRequests)}`, usd: per(apiRequests) * p('waf.request') },
    // Active tracing on every function and the API stage: one trace per run at most (sampling may record fewer).
    { item: 'X-Ray traces', quantity: `${per(invocations)} (at most)`, usd: per(invocations) * p('xray.traceRecorded') },
    {
      item: 'CloudWatch logs ingested',
      quantity: `${(per(logBytes) / 1024 ** 2).toFixed(1)} MB${flow.logBytes === undefined ? ' (assumed 1 KB a run)' : ''}`,
      usd: (per(logBytes) / GB) * p('cloudwatch.logsIngestedGb'),
    },
  ];
  return { lines, usd: sum(lines) };
}

/** What `count` runs leave stored, by the month it is kept (table with PITR, S3 Standard). */
export function storagePerMonth(flow: FlowUnits, count: number, prices: PriceFile): Breakdown {
  const p = (name: PriceName) => priceOf(prices, name);
  const dynamoGb = ((flow.dynamoBytes ?? 0) * count) / GB;
  const s3Gb = ((flow.s3Bytes ?? 0) * count) / GB;
  const lines: Line[] = [
    { item: 'DynamoDB storage + PITR', quantity: `${(dynamoGb * 1024).toFixed(2)} MB`, usd: dynamoGb * (p('dynamodb.storageGbMonth') + p('dynamodb.pitrGbMonth')) },
    { item: 'S3 Standard storage', quantity: `${(s3Gb * 1024).toFixed(2)} MB`, usd: s3Gb * p('s3.standardGbMonth') },
  ];
  return { lines, usd: sum(lines) };
}

export interface Target { label: string; usd: number; targetUsd: number }
export const targets = { floorUsd: 5, per1000EnrollmentsUsd: 2, per1000SignaturesUsd: 0.1 } as const;

/** "ok", or by how much the figure is over its target. */
export function verdict(target: Target): string {
  if (target.usd <= target.targetUsd) return 'ok';
  const over = target.usd - target.targetUsd;
  return `OVER by $${over.toFixed(2)} (${(target.usd / target.targetUsd).toFixed(1)}x the target)`;
}

/** The line that costs the most: what drives a missed target. */
export function largestLine(breakdown: Breakdown): Line {
  return [...breakdown.lines].sort((a, b) => b.usd - a.usd)[0]!;
}

export const rupiah = (usd: number, prices: PriceFile) => usd * prices.exchangeRate.value;
export const formatRupiah = (idr: number) => `Rp ${Math.round(idr).toLocaleString('id-ID')}`;
export const formatUsd = (usd: number) => `$${usd < 0.01 && usd > 0 ? usd.toFixed(5) : usd.toFixed(usd < 1 ? 3 : 2)}`;
