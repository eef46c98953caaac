import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

interface EmfLine { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }; [field: string]: unknown }

/**
 * The business metrics the runtime wrote so far (its EMF log), summed by name; every line must be
 * as CloudWatch reads it on AWS: namespace TTE, the stage as the one dimension.
 */
export function businessMetricTotals(runtime: { dataDir: string }): Record<string, number> {
  const log = join(runtime.dataDir, 'logs', 'metrics.log');
  const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as EmfLine) : [];
  const totals: Record<string, number> = {};
  for (const line of lines) {
    expect(line._aws.CloudWatchMetrics).toEqual([expect.objectContaining({ Namespace: 'TTE', Dimensions: [['stage']] })]);
    expect(line.stage).toBe('local');
    for (const { Name } of line._aws.CloudWatchMetrics[0]!.Metrics) {
      totals[Name] = (totals[Name] ?? 0) + [line[Name]].flat().reduce((sum: number, value) => sum + Number(value), 0);
    }
  }
  return totals;
}
