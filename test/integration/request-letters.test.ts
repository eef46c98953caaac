import { randomUUID } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { PDF } from '@libpdf/core';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { eraseUser } from '../../functions/enrollment/use-cases/erase-user.js';
import { getUser } from '../../functions/enrollment/use-cases/get-user.js';
import { uploadRequestLetter } from '../../functions/enrollment/use-cases/request-letters.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import { DynamoDeliveryLog } from '../../shared/adapters/aws/dynamo-delivery.js';
import { DynamoPersonalData } from '../../shared/adapters/aws/dynamo-personal-data.js';
import { DynamoRequestLetters } from '../../shared/adapters/aws/dynamo-request-letters.js';
import { S3LetterFiles } from '../../shared/adapters/aws/s3-letter-files.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { userItem } from '../../shared/adapters/aws/table-items.js';
import type { Actor } from '../../shared/domain/actor.js';
import { randomIds } from '../../shared/ports/runtime.js';
import type { UserRecord } from '../../shared/ports/users.js';
import { ensureBucket } from '../../infra/local/provision.js';
import { freshTable, manualClock, putTenant, s3Client, verifierOf } from './harness.js';

const operator: Actor = { actorId: 'operator-1', role: 'OPERATOR', tenantId: 'platform' };

async function setup() {
  const table = await freshTable();
  const clock = manualClock();
  const tenant = await putTenant(table.dynamo, table.tableName);
  const s3 = s3Client();
  const bucket = `it-letters-${randomUUID()}`;
  await ensureBucket(s3, bucket);
  const letters = new DynamoRequestLetters(table.dynamo, table.tableName);
  const letterFiles = new S3LetterFiles(s3, bucket);
  const photos = new S3PhotoStore(s3, bucket);
  const audit = new DynamoAuditTrail(table.dynamo, table.tableName);
  const document = PDF.create();
  document.addPage().drawText('Surat Permohonan', { x: 72, y: 720, size: 14 });
  const { letterId } = await uploadRequestLetter({ letters, files: letterFiles, clock, ids: randomIds }, { actor: verifierOf(tenant), bytes: await document.save() });
  // Two people registered under the one letter, as one import makes them.
  const invited = async (name: string): Promise<UserRecord> => {
    const at = clock.now().toISOString();
    const user: UserRecord = {
      userId: randomUUID(), tenantId: tenant.tenantId, role: 'USER', fullName: name, email: `${name.toLowerCase().replace(' ', '.')}@contoh.go.id`, status: 'INVITED',
      createdAt: at, updatedAt: at, createdBy: verifierOf(tenant).actorId, version: 1, requestLetterId: letterId, employmentPrefill: { position: 'Analis Kebijakan' },
    };
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: userItem(user) }));
    return user;
  };
  const [first, second] = [await invited('Dina Amalia'), await invited('Eko Saputra')];
  const readDeps = { users: table.users, photos, letters, letterFiles, audit, deliveries: new DynamoDeliveryLog(table.dynamo, table.tableName), clock, ids: randomIds };
  const erasureDeps = { personalData: new DynamoPersonalData(table.dynamo, table.tableName), photos, clock, ids: randomIds, settings: { erasedNikClaimDays: 365 } };
  return { ...table, tenant, s3, bucket, letters, letterId, first, second, readDeps, erasureDeps };
}

describe('a request letter covering several users', () => {
  it("stays when one of them is erased: the erased record loses its link to it, the others keep theirs", async () => {
    const ctx = await setup();
    const letter = (await ctx.letters.findLetter(ctx.letterId))!;
    expect(letter).toMatchObject({ tenantId: ctx.tenant.tenantId, pages: 1, objectKey: `kyc/${ctx.tenant.tenantId}/letters/${ctx.letterId}.pdf` });

    await eraseUser(ctx.erasureDeps, { actor: operator, userId: ctx.first.userId });

    const erased = (await ctx.users.findUser(ctx.first.userId))!;
    expect(erased.status).toBe('ERASED');
    expect(erased).not.toHaveProperty('requestLetterId');
    expect(erased).not.toHaveProperty('employmentPrefill');
    // The agency's document is still there for the other person it covers.
    await expect(ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: letter.objectKey }))).resolves.toMatchObject({ ContentType: 'application/pdf' });
    const other = await getUser(ctx.readDeps, { actor: verifierOf(ctx.tenant), userId: ctx.second.userId });
    expect(other.requestLetter).toMatchObject({ letterId: ctx.letterId, pages: 1 });
    const download = await fetch(other.requestLetter!.url);
    expect(download.status).toBe(200);
    const erasedView = await getUser(ctx.readDeps, { actor: operator, userId: ctx.first.userId });
    expect(erasedView).not.toHaveProperty('requestLetter');
  });
});
