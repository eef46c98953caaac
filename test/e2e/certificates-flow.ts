import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { accountsClient, Credentials } from './accounts-flow.js';
import { sampleSelfie } from './enrollment-flow.js';
import { linkToken } from './runtime.js';

type People = ReturnType<typeof accountsClient>;

/** The certificate side of a person: set passphrase through the link, and the lifecycle routes. */
export function certificatesClient(people: People) {
  /** Takes the fresh selfie on an enroll or reset-passphrase link: upload slot, PUT, confirm. */
  const freshSelfie = async (prefix: 'enrollment' | 'reset-passphrase', token: string) => {
    const slot = await people.send('POST', `/v1/${prefix}/${token}/photos`, { body: { kind: 'SELFIE', contentType: 'image/jpeg', contentLength: sampleSelfie.length } });
    if (slot.status !== 201) throw new Error(`selfie slot: ${slot.status} ${slot.text}`);
    const put = await fetch(String(slot.body.uploadUrl), { method: 'PUT', headers: slot.body.uploadHeaders as Record<string, string>, body: sampleSelfie });
    if (put.status !== 200) throw new Error(`selfie upload: ${put.status}`);
    return people.send('POST', `/v1/${prefix}/${token}/photos/${String(slot.body.photoId)}/confirm`);
  };

  /** The set-passphrase link of the n-th "[TTE] Set Passphrase" mail. */
  const enrollToken = async (email: string, nth = 1) => linkToken(await people.waitForNthMail(email, '[TTE] Set Passphrase', nth), 'enroll');

  /** Selfie, passphrase and agreement on an enroll link: the issued certificate. */
  const enroll = async (token: string, passphrase: string) => {
    const selfie = await freshSelfie('enrollment', token);
    if (selfie.status !== 200) throw new Error(`selfie: ${selfie.status} ${selfie.text}`);
    return people.send('POST', `/v1/enrollment/${token}`, { body: { passphrase, passphraseConfirmation: passphrase, acceptAgreement: true } });
  };

  const myCertificates = async (auth: Credentials) => (await people.send('GET', '/v1/me/certificates', { auth })).body.items as Record<string, any>[];

  return { freshSelfie, enrollToken, enroll, myCertificates };
}

/** openssl on files in a fresh temp dir: verify chains, read CRLs, ask OCSP. */
export function openssl() {
  const dir = mkdtempSync(join(tmpdir(), 'tte-openssl-'));
  const file = (name: string, content: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  /**
   * Runs openssl; gives stdout+stderr and whether it exited 0. Asynchronously: the runtime it
   * talks to (OCSP) serves from this very process.
   */
  const run = async (args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)('openssl', args, { encoding: 'utf8', timeout: 20_000 });
      return { ok: true, output: `${stdout}${stderr}` };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  };
  return { dir, file, run };
}
