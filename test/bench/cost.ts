/**
 * `npm run cost`: what the service costs on AWS in Jakarta (ap-southeast-3), in dollars and rupiah,
 * against the targets of issue #12 (floor ≤ $5/month, ≤ $2 per 1,000 enrollments, ≤ $0.10 per
 * 1,000 signatures), each with its breakdown.
 *   - prices: the newest docs/prices/aws-ap-southeast-3-*.json (or --prices <file>);
 *   - the monthly floor: counted from the synthesized stacks of every stage profile in cdk.json's
 *     "tte:stages" (they differ in WAF and the dashboard; test/bench/cost-inventory.ts);
 *   - per flow: the newest of docs/measured-flows.json and the load bench's test/bench/results/flows.json
 *     (or --flows <file>); with neither, one run of each flow on the local runtime is measured and
 *     written to docs/measured-flows.json (test/bench/cost-measure.ts). --measure measures afresh for
 *     this print (the file is written only if it was missing).
 *   - --markdown also prints the README table.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  activeFloor, checkPrices, flowCost, formatRupiah, formatUsd, idleFloor, largestLine, rupiah, storagePerMonth, targets, verdict,
  type Breakdown, type Inventory, type MeasuredFlows, type PriceFile,
} from './cost-model.js';
import { stageInventories } from './cost-inventory.js';
import { cdkContext } from '../infra/support.js';

const root = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

function priceFile(): { path: string; prices: PriceFile } {
  const dir = join(root, 'docs', 'prices');
  const path = option('--prices') ?? join(dir, readdirSync(dir).filter((name) => /^aws-ap-southeast-3-\d{4}-\d{2}\.json$/.test(name)).sort().at(-1) ?? '');
  if (!existsSync(path)) throw new Error(`no price file (docs/prices/aws-ap-southeast-3-<yyyy-mm>.json)`);
  const prices = JSON.parse(readFileSync(path, 'utf8')) as PriceFile;
  checkPrices(prices);
  return { path, prices };
}

/**
 * The newest of docs/measured-flows.json and the load bench's test/bench/results/flows.json (same
 * format), or --flows <file>; with neither, one run of each flow is measured and written to the first.
 */
async function measuredFlows(): Promise<{ source: string; flows: MeasuredFlows }> {
  const path = join(root, 'docs', 'measured-flows.json');
  const chosen = option('--flows');
  if (chosen) return { source: chosen, flows: JSON.parse(readFileSync(chosen, 'utf8')) as MeasuredFlows };
  const candidates = [path, join(root, 'test', 'bench', 'results', 'flows.json')]
    .filter((file) => existsSync(file))
    .map((file) => ({ source: file, flows: JSON.parse(readFileSync(file, 'utf8')) as MeasuredFlows }))
    .sort((a, b) => b.flows.measuredAt.localeCompare(a.flows.measuredAt));
  if (candidates[0] && !flag('--measure')) return candidates[0];
  console.log(candidates[0] ? 'Measuring the flows afresh (--measure)…' : 'No measured flows yet: measuring one run of each flow on the local runtime…');
  const { measureFlows } = await import('./cost-measure.js');
  const flows = await measureFlows();
  if (!existsSync(path)) {
    writeFileSync(path, `${JSON.stringify(flows, null, 2)}\n`);
    return { source: `${path} (written now)`, flows };
  }
  return { source: 'a fresh measure (not written: docs/measured-flows.json exists)', flows };
}

const rp = (usd: number, prices: PriceFile) => formatRupiah(rupiah(usd, prices));

function printBreakdown(title: string, breakdown: Breakdown, prices: PriceFile) {
  console.log(`\n${title}: ${formatUsd(breakdown.usd)} (${rp(breakdown.usd, prices)})`);
  for (const line of breakdown.lines) {
    console.log(`  ${line.item.padEnd(54)} ${line.quantity.padEnd(58)} ${formatUsd(line.usd).padStart(10)}  ${rp(line.usd, prices).padStart(14)}`);
  }
}

function markdown(rows: { label: string; usd: number; target?: number; driver: string }[], prices: PriceFile, sources: string) {
  const lines = [
    '| | USD | Rupiah | Target | Largest line |',
    '|---|---:|---:|---:|---|',
    ...rows.map((row) => `| ${row.label} | ${formatUsd(row.usd)} | ${rp(row.usd, prices)} | ${row.target === undefined ? '–' : `≤ $${row.target.toFixed(2)}${row.usd <= row.target ? ' ✓' : ' ✗'}`} | ${row.driver} |`),
    '',
    sources,
  ];
  console.log(`\nREADME table:\n\n${lines.join('\n')}`);
}

async function main() {
  const { path: pricesPath, prices } = priceFile();
  console.log(`Prices: ${pricesPath} (read ${prices.read}; ${Object.values(prices.prices).filter((price) => !price.jakartaConfirmed).length} of ${Object.keys(prices.prices).length} not confirmed for Jakarta: see the file's notes)`);
  console.log(`USD/IDR ${prices.exchangeRate.value.toLocaleString('id-ID')} of ${prices.exchangeRate.rateDate}: ${prices.exchangeRate.source}`);
  const stages = Object.keys(cdkContext['tte:stages'] as Record<string, unknown>);
  const inventories = stageInventories(stages);
  const { source, flows: measured } = await measuredFlows();
  console.log(`Flows: ${source}, measured ${measured.measuredAt} on ${measured.machine}`);

  const rows: { label: string; usd: number; target?: number; driver: string }[] = [];
  // Each stage profile's floor: what it holds differs (WAF, dashboard); the code and keys do not.
  for (const [stage, stageInventory] of inventories) {
    const waf = stageInventory.webAcls.length > 0 ? 'WAF' : 'no WAF';
    const dashboard = stageInventory.dashboards > 0 ? 'dashboard' : 'no dashboard';
    const floor = idleFloor(stageInventory, prices);
    printBreakdown(`Idle deployment, per month — stage "${stage}" (${waf}, ${dashboard})`, floor, prices);
    console.log(`  target ≤ $${targets.floorUsd.toFixed(2)}: ${verdict({ label: 'floor', usd: floor.usd, targetUsd: targets.floorUsd })}; largest line: ${largestLine(floor).item}`);
    const alone = idleFloor(stageInventory, prices, { freeTier: true });
    const later = idleFloor(stageInventory, prices, { year: 3 });
    console.log(`  alone in its account, CloudWatch's free tier applied: ${formatUsd(alone.usd)} (${rp(alone.usd, prices)}); from year 3, with the rotating keys' two extra key versions: ${formatUsd(later.usd)}`);
    rows.push({ label: `Idle deployment, per month: ${stage} (${waf}, ${dashboard})`, usd: floor.usd, target: targets.floorUsd, driver: `${largestLine(floor).item} (${largestLine(floor).quantity})` });
  }
  const inventory: Inventory = inventories.get('prod') ?? [...inventories.values()][0]!;
  const active = activeFloor(inventory, prices);
  printBreakdown('Added by any activity in a month (metrics are billed once published)', active, prices);
  rows.push({ label: 'Any month with traffic adds', usd: active.usd, driver: active.lines[0]!.quantity });
  const per1000: [string, string, number | undefined][] = [
    ['enrollment', 'Per 1,000 enrollments', targets.per1000EnrollmentsUsd],
    ['signature', 'Per 1,000 signatures', targets.per1000SignaturesUsd],
    ['login', 'Per 1,000 logins', undefined],
    ['verification', 'Per 1,000 verifications', undefined],
  ];
  for (const [name, label, target] of per1000) {
    const flow = measured.flows[name];
    if (!flow) {
      console.log(`\n${label}: no "${name}" flow in the measured file`);
      continue;
    }
    const cost = flowCost(flow, 1000, inventory, prices);
    printBreakdown(label, cost, prices);
    if (target !== undefined) console.log(`  target ≤ $${target.toFixed(2)}: ${verdict({ label, usd: cost.usd, targetUsd: target })}; largest line: ${largestLine(cost).item}`);
    const stored = storagePerMonth(flow, 1000, prices);
    if (stored.usd > 0) console.log(`  and what they leave stored costs ${formatUsd(stored.usd)} (${rp(stored.usd, prices)}) for each month it is kept (${stored.lines.map((line) => `${line.item} ${line.quantity}`).join(', ')})`);
    rows.push({ label, usd: cost.usd, ...(target === undefined ? {} : { target }), driver: `${largestLine(cost).item} (${largestLine(cost).quantity})` });
  }
  if (flag('--markdown')) {
    markdown(rows, prices, `List prices of ${prices.read} (${pricesPath.replace(`${root}/`, '')}; reference-region figures where Jakarta's were not found, see its notes), USD/IDR ${prices.exchangeRate.value.toLocaleString('id-ID')} (${prices.exchangeRate.rateDate}); units measured ${measured.measuredAt.slice(0, 10)} (\`npm run cost\`). Free tiers not applied.`);
  }
}

await main();
// The measure's stand-ins (DynamoDB Local, s3rver) are stopped, but a stray handle must not keep npm waiting.
process.exit(0);
