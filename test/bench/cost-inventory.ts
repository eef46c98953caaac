/**
 * What the deployment holds that costs by the month, counted from the synthesized stacks (the
 * same synthesis as the infra suite: cdk.json's default stage, bundling skipped), so a key or an
 * alarm added later shows in `npm run cost` without anyone updating a list.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { businessMetricNames } from '../../shared/domain/business-metrics.js';
import { functionsByContext, props, resourcesOf, synthesize, synthesizeStages, type CfnResource } from '../infra/support.js';
import type { Inventory } from './cost-model.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function kmsKind(resource: CfnResource): Inventory['kmsKeys'][number]['kind'] {
  const usage = props(resource).KeyUsage;
  if (usage === 'SIGN_VERIFY') return 'asymmetric-sign';
  if (usage === 'GENERATE_VERIFY_MAC') return 'hmac';
  return 'symmetric';
}

/** A metric-math alarm is billed per metric it reads (its MetricStat entries), a plain one for one. */
function alarmMetrics(resource: CfnResource): number {
  const metrics = props(resource).Metrics;
  if (!Array.isArray(metrics)) return 1;
  return metrics.filter((metric) => isRecord(metric) && metric.MetricStat !== undefined).length;
}

/** Values a cron field takes: '*' (all of `span`), a number or 'L' (one), 'a/b' and 'a,b,c' lists. */
function cronFieldCount(field: string, span: number): number {
  if (field === '*' || field === '?') return span;
  if (/^(\d+|L)$/.test(field)) return 1;
  const step = /^(\*|\d+)\/(\d+)$/.exec(field);
  if (step) return Math.ceil((span - (step[1] === '*' ? 0 : Number(step[1]))) / Number(step[2]));
  if (/^\d+(,\d+)+$/.test(field)) return field.split(',').length;
  throw new Error(`cannot count the cron field "${field}"`);
}

/** Runs a month of an EventBridge schedule expression (30-day month). */
export function runsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const every = Number(rate[1]);
    const perDay = rate[2]!.startsWith('minute') ? 1440 / every : rate[2]!.startsWith('hour') ? 24 / every : 1 / every;
    return perDay * 30;
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (!cron) throw new Error(`unknown schedule "${expression}"`);
  const [minute, hour, dayOfMonth, , dayOfWeek] = cron[1]!.split(/\s+/) as [string, string, string, string, string, string];
  const perDay = cronFieldCount(minute, 60) * cronFieldCount(hour, 24);
  const days = dayOfMonth === '?' ? (dayOfWeek === '*' || dayOfWeek === '?' ? 30 : cronFieldCount(dayOfWeek, 7) * 30 / 7) : cronFieldCount(dayOfMonth, 30);
  return perDay * days;
}

export function inventoryOf(templates: readonly Template[]): Inventory {
  const inventory: Inventory = {
    kmsKeys: [], alarms: [], dashboards: 0, webAcls: [], secrets: 0, customMetrics: [], functionMemoryMb: {}, scheduledRunsPerMonth: {},
  };
  const functionContext = new Map<string, string>();
  for (const template of templates) {
    for (const [id, key] of resourcesOf(template, 'AWS::KMS::Key')) inventory.kmsKeys.push({ id, kind: kmsKind(key), rotates: props(key).EnableKeyRotation === true });
    for (const [id, alarm] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) inventory.alarms.push({ id, metrics: alarmMetrics(alarm) });
    inventory.dashboards += resourcesOf(template, 'AWS::CloudWatch::Dashboard').length;
    inventory.secrets += resourcesOf(template, 'AWS::SecretsManager::Secret').length;
    for (const [id, acl] of resourcesOf(template, 'AWS::WAFv2::WebACL')) {
      inventory.webAcls.push({ id, rules: Array.isArray(props(acl).Rules) ? (props(acl).Rules as unknown[]).length : 0 });
    }
    for (const [, filter] of resourcesOf(template, 'AWS::Logs::MetricFilter')) {
      for (const transformation of (props(filter).MetricTransformations as { MetricName: string }[] | undefined) ?? []) {
        inventory.customMetrics.push({ name: transformation.MetricName, source: 'metric-filter' });
      }
    }
    if (resourcesOf(template, 'AWS::Lambda::Function').length > 0) {
      for (const [context, functions] of functionsByContext(template)) {
        for (const fn of functions) {
          functionContext.set(fn.logicalId, context);
          inventory.functionMemoryMb[context] = Number(props(fn.resource).MemorySize ?? 128);
        }
      }
    }
  }
  for (const template of templates) {
    for (const [id, rule] of resourcesOf(template, 'AWS::Events::Rule')) {
      const schedule = props(rule).ScheduleExpression;
      if (typeof schedule !== 'string') continue;
      for (const target of (props(rule).Targets as { Arn?: unknown }[] | undefined) ?? []) {
        const getAtt = isRecord(target.Arn) ? target.Arn['Fn::GetAtt'] : undefined;
        const context = Array.isArray(getAtt) ? functionContext.get(String(getAtt[0])) : undefined;
        if (!context) throw new Error(`schedule ${id} targets something other than a function of the stack`);
        inventory.scheduledRunsPerMonth[context] = (inventory.scheduledRunsPerMonth[context] ?? 0) + runsPerMonth(schedule);
      }
    }
  }
  // Business metrics go out as EMF lines in the functions' logs (no API call): each name, one
  // dimension (the stage), is one custom metric once it is published in a month.
  for (const name of businessMetricNames) inventory.customMetrics.push({ name, source: 'emf' });
  return inventory;
}

/** The inventory of the app as cdk.json builds it (about 10 s: a full synthesis). */
export function deployedInventory(): Inventory {
  const { statefulTemplate, serviceTemplate } = synthesize();
  return inventoryOf([statefulTemplate, serviceTemplate]);
}

/**
 * The inventory of each stage profile of cdk.json's "tte:stages" (they differ in WAF and the
 * dashboard), from one synthesis of them side by side, as one account would hold them.
 */
export function stageInventories(stages: readonly string[]): Map<string, Inventory> {
  return new Map([...synthesizeStages(stages)].map(([stage, built]) => [stage, inventoryOf([built.statefulTemplate, built.serviceTemplate])]));
}
