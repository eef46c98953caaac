import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { PDF } from '@libpdf/core';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { SIGNED_DOCUMENT_EVENT } from '../../shared/adapters/aws/dynamo-signatures.js';
import { keys } from '../../shared/data/table.js';
import type { UsageEvent } from '../../shared/ports/usage.js';
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

/** One of the tenant's usage counters this month (DOCUMENT_SIGNED unless another is named), read straight from the table. */
export async function usageThisMonth(
  runtime: { endpoints: { dynamodb: string }; tableName: string; seed: { tenant: { tenantId: string } } },
  event: UsageEvent = SIGNED_DOCUMENT_EVENT,
): Promise<number> {
  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  const key = keys.usage(runtime.seed.tenant.tenantId, new Date().toISOString().slice(0, 7), event);
  const item = (await db.send(new GetCommand({ TableName: runtime.tableName, Key: key, ConsistentRead: true }))).Item;
  db.destroy();
  return Number(item?.count ?? 0);
}
