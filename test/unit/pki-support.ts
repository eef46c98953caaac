// Shared fixtures for the pki-*.test.ts suites: a CA behind a FileCaSigner with a fresh key,
// holders with WebCrypto keys, openssl on temp files, and pkijs as an independent verifier.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { FileCaSigner } from '../../shared/adapters/local/key-vault.js';
import {
  CertificateAuthority,
  createCaCertificate,
  createCertificateRequest,
  type CaCertificate,
  type CaProfileSettings,
  type SubjectProfile,
} from '../../shared/pki/certificate-authority.js';

type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];
pkijs.setEngine('node-webcrypto', new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as EngineCrypto }));
export { pkijs };

/** openssl checks validity against the wall clock, so the fixtures live in the present. */
export const NOW = new Date(Date.now() - 60_000);
export const SETTINGS: CaProfileSettings = {
  publicBaseUrl: 'http://127.0.0.1:3000',
  policyOid: '1.3.6.1.4.1.99999.1.1',
  validityDays: 730,
};
export const SUBJECT: SubjectProfile = {
  commonName: 'Budi Santoso',
  organizationName: 'Pemerintah Kota Contoh',
  organizationalUnit: 'Dinas Komunikasi dan Informatika',
  email: 'budi.santoso@contoh.go.id',
};

export interface TestCa {
  signer: FileCaSigner;
  ca: CaCertificate;
  authority: CertificateAuthority;
}

export async function newTestCa(commonName = 'TTE Test CA', validityYears = 10, now = NOW): Promise<TestCa> {
  const signer = new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const ca = await createCaCertificate(signer, { commonName, organizationName: 'Kementerian Uji Coba', now, validityYears });
  return { signer, ca, authority: new CertificateAuthority(signer, ca, SETTINGS) };
}

export async function newHolderKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

export async function newCsr(subject: SubjectProfile = SUBJECT): Promise<Uint8Array> {
  return (await createCertificateRequest(await newHolderKeys(), subject)).der;
}

/** A temp directory for openssl's files. */
export class Workdir {
  readonly dir = mkdtempSync(join(tmpdir(), 'tte-pki-'));

  path(name: string): string {
    return join(this.dir, name);
  }

  write(name: string, data: string | Uint8Array): string {
    writeFileSync(this.path(name), data);
    return this.path(name);
  }

  read(name: string): Buffer {
    return readFileSync(this.path(name));
  }

  /** Runs openssl in this directory; never throws for a failed check, so failures can be asserted on. */
  openssl(...args: string[]): { status: number | null; output: string } {
    const result = spawnSync('openssl', args, { cwd: this.dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new Error('openssl is not installed: the PKI tests check certificates, CRLs and OCSP answers with it (Debian: apt-get install openssl; .ci/run installs it)');
    }
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function bytes(view: ArrayBuffer | Uint8Array): Buffer {
  return Buffer.from(view instanceof Uint8Array ? view : new Uint8Array(view));
}

export function extensionOf(certificate: pkijs.Certificate | pkijs.CertificateRevocationList, oid: string): pkijs.Extension {
  const list = certificate instanceof pkijs.Certificate ? certificate.extensions : certificate.crlExtensions?.extensions;
  const found = list?.find((e) => e.extnID === oid);
  if (!found) throw new Error(`extension ${oid} missing`);
  return found;
}

export function extensionValueHex(extension: pkijs.Extension): string {
  return bytes(extension.extnValue.valueBlock.valueHexView).toString('hex');
}
