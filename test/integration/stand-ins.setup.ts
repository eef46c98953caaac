import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../infra/local/ports.js';
import { startStandIns } from '../../infra/local/stand-ins.js';

declare module 'vitest' {
  export interface ProvidedContext {
    standIns: { dynamodb: string; s3: string; ses: string; mailUrl: string };
  }
}

/** DynamoDB Local, s3rver and the SES stand-in, started once for the whole integration run. */
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tte-it-'));
  // In memory: each test file makes its own table, and nothing needs to outlive the run.
  const standIns = await startStandIns(dataDir, { dynamodb: await freePort(), s3: await freePort(), mail: await freePort() }, { dynamodbInMemory: true });
  project.provide('standIns', standIns.endpoints);
  return async () => {
    await standIns.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
