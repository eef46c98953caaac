import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDF } from '@libpdf/core';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { DynamoUsageReader } from '../../shared/adapters/aws/dynamo-usage.js';
import { usageDay, type UsageEvent } from '../../shared/domain/usage.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';

/** What the signing e2e tests share: independent checkers of signed PDFs, sample PDFs, the usage counter. */

export const run = promisify(execFile);

/** pdfsig, qpdf and certutil come from Debian (poppler-utils, qpdf, libnss3-tools); .ci/run installs them. */
export async function requireTools(): Promise<void> {
  for (const tool of ['pdfsig', 'qpdf', 'certutil']) {
    await run('which', [tool]).catch(() => {
      throw new Error(`${tool} is missing: install poppler-utils, qpdf and libnss3-tools (apt-get), as .ci/run does`);
    });
  }
}

/** An NSS database under `work` that trusts the service's CA (its PEM left beside it as ca.pem), so pdfsig can say "trusted". */
export async function nssTrustingCa(api: string, work: string): Promise<string> {
  const dir = join(work, 'nss');
  await run('mkdir', ['-p', dir]);
  await run('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  const ca = await (await fetch(`${api}/pki/ca.pem`)).text();
  writeFileSync(join(work, 'ca.pem'), ca);
  await run('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'TTE CA', '-t', 'CT,C,C', '-i', join(work, 'ca.pem')]);
  return dir;
}

/** A PDF with a line of text near the top of each page (the page number after the first). */
export async function samplePdf(text: string, pages = 1): Promise<Uint8Array> {
  const document = PDF.create();
  for (let page = 1; page <= pages; page += 1) document.addPage().drawText(page === 1 ? text : `${text} (${page})`, { x: 72, y: 720, size: 16 });
  return document.save();
}

/** pdfsig's report (it exits 0 even on a digest mismatch, so callers read its text). */
export async function pdfsig(file: string, nss: string): Promise<string> {
  const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nss}`, file]);
  return stdout;
}

/** The demo tenant's count of one metered event (DOCUMENT_SIGNED unless another is named) over its last two days, read straight from the table. */
export async function usageCount(
  runtime: { endpoints: { dynamodb: string }; tableName: string; seed: { tenant: { tenantId: string } } },
  event: UsageEvent = 'DOCUMENT_SIGNED',
): Promise<number> {
  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  // Yesterday and today (WIB): a test comparing counts before and after may straddle midnight.
  const today = usageDay(new Date());
  const yesterday = usageDay(new Date(Date.now() - 86_400_000));
  const usage = await new DynamoUsageReader(db, runtime.tableName).dailyUsage(runtime.seed.tenant.tenantId, yesterday, today);
  db.destroy();
  return usage.filter((entry) => entry.event === event).reduce((sum, entry) => sum + entry.count, 0);
}
