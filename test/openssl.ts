import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const missing = 'openssl is not installed: the PKI tests check certificates, CRLs and OCSP answers with it (Debian: apt-get install openssl; .ci/run installs it)';

/**
 * openssl on files in a fresh temp dir, as an independent check of what the CA makes. It runs
 * asynchronously: in the integration and e2e tests the stand-ins and the runtime answer from
 * this very process, and a synchronous child would block them.
 */
export function openssl() {
  const dir = mkdtempSync(join(tmpdir(), 'tte-openssl-'));
  /** Writes a file in the temp dir; gives its path. */
  const file = (name: string, content: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const read = (name: string) => readFileSync(join(dir, name));
  /** stdout+stderr and whether it exited 0 (never throws for a failed check, so it can be asserted on). */
  const run = async (args: readonly string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      return { ok: true, output: `${stdout}${stderr}` };
    } catch (error) {
      const failed = error as { code?: string; stdout?: string; stderr?: string };
      if (failed.code === 'ENOENT') throw new Error(missing);
      return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  };
  /**
   * Asks an OCSP responder about a certificate (`-cert`) or a bare serial (`-serial 0x…`), with a
   * nonce, verifying the signed answer against the CA: openssl's whole report.
   */
  const ocsp = (url: string, caFile: string, which: { cert: string } | { serial: string }) =>
    run(['ocsp', '-issuer', caFile, ...('cert' in which ? ['-cert', which.cert] : ['-serial', which.serial]), '-url', url, '-CAfile', caFile]);
  /** The DER CRL as PEM in a file, for `openssl verify -crl_check -CRLfile`. */
  const crlFile = async (name: string, der: Uint8Array) => {
    const pem = await run(['crl', '-inform', 'DER', '-in', file(`${name}.der`, der), '-outform', 'PEM']);
    if (!pem.ok) throw new Error(`openssl crl: ${pem.output}`);
    return file(`${name}.pem`, pem.output);
  };
  return { dir, file, read, run, ocsp, crlFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
