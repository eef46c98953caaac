/**
 * Child of the signing bench (bundled by esbuild as a Lambda is, run by plain node so neither tsx
 * nor the bench's own heap is counted): signs the PDF file named by argv[2] at B-LT with a
 * throwaway CA, TSA and CRL, and prints one JSON line: RSS before the file is read, the peak RSS
 * (the kernel's maxRSS, what Lambda bills as "Max Memory Used"), V8 heap and buffers sampled
 * every 2 ms, and the time.
 */
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FileCaSigner } from '../../shared/adapters/local/key-vault.js';
import { CertificateAuthority, createCaCertificate, createCertificateRequest } from '../../shared/pki/certificate-authority.js';
import { TimestampAuthority } from '../../shared/pki/timestamp-authority.js';
import { signingKeyFromPkcs8, signPdf } from '../../shared/signing/pdf-signature.js';

const now = new Date(Date.now() - 60_000);
const caSigner = new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
const ca = await createCaCertificate(caSigner, { commonName: 'Bench CA', organizationName: 'Bench', now, validityYears: 1 });
const authority = new CertificateAuthority(caSigner, ca, { publicBaseUrl: 'http://127.0.0.1', policyOid: '1.3.6.1.4.1.99999.1.1', validityDays: 30 });
const subject = { commonName: 'Budi Santoso', organizationName: 'Pemerintah Kota Contoh', email: 'budi@contoh.go.id' };
const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
const issued = await authority.issue({ csrDer: (await createCertificateRequest(keys, subject)).der, subject, now });
const privateKey = await signingKeyFromPkcs8(new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)));
const tsaSigner = new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
const tsaCertificate = await authority.issueTsaCertificate({ spki: await tsaSigner.publicKeySpki(), commonName: 'Bench TSA', now, validityYears: 1 });
const tsa = new TimestampAuthority({ signer: tsaSigner, certificate: tsaCertificate.der, caCertificate: ca.der, clock: { now: () => new Date() }, policyOid: '1.3.6.1.4.1.99999.1.1.2' });
const crl = await authority.crl({ crlNumber: 1, thisUpdate: now, nextUpdate: new Date(now.getTime() + 86_400_000), entries: [] });

const mb = (bytes: number) => Math.round(bytes / 1048576);
const rssBefore = process.memoryUsage().rss;
let heapPeak = 0;
let buffersPeak = 0;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  heapPeak = Math.max(heapPeak, usage.heapUsed);
  buffersPeak = Math.max(buffersPeak, usage.arrayBuffers);
}, 2);
const started = performance.now();
const pdf = new Uint8Array(readFileSync(process.argv[2]!));
const signed = await signPdf({
  pdf,
  party: { certificateDer: issued.der, chainDer: [ca.der], privateKey },
  level: 'B-LT',
  signingTime: new Date(),
  timestampAuthority: { certificates: [tsaCertificate.der, ca.der], timestamp: (digest, algorithm) => tsa.timestamp({ digest, algorithm: algorithm as 'SHA-256' }) },
  revocation: { getCRL: async () => crl },
});
const ms = performance.now() - started;
clearInterval(sampler);
console.log(JSON.stringify({
  inputMb: mb(pdf.length), outputMb: mb(signed.length), ms: Math.round(ms),
  rssBeforeMb: mb(rssBefore), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), heapPeakMb: mb(heapPeak), buffersPeakMb: mb(buffersPeak),
}));
