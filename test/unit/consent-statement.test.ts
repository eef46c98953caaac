import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { PDF } from '@libpdf/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { consentStatement, type ConsentStatementDeps } from '../../functions/signing/use-cases/consent-statement.js';
import { consentStatementPdf, type ConsentStatementContent } from '../../functions/signing/use-cases/consent-statement-pdf.js';
import { FileCaSigner } from '../../shared/adapters/local/key-vault.js';
import type { Actor } from '../../shared/domain/actor.js';
import { AppError } from '../../shared/domain/errors.js';
import { ID_KP_DOCUMENT_SIGNING } from '../../shared/pki/certificate-authority.js';
import { SEAL_VALIDITY_YEARS, serviceSeal, serviceSerialNumbers, type SealSettings } from '../../shared/pki/seal-runtime.js';
import { TimestampAuthority } from '../../shared/pki/timestamp-authority.js';
import type { AuditEntry } from '../../shared/ports/audit.js';
import type { PkiStore, StoredTsaCertificate } from '../../shared/ports/pki.js';
import type { UserRecord } from '../../shared/ports/users.js';
import { verifyPdfSignatures } from '../../shared/signing/pdf-verification.js';
import { NOW, newTestCa, type TestCa } from './pki-support.js';

const newSigner = () => new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const clock = { now: () => new Date(NOW.getTime() + 1000) };
const settings: SealSettings = { commonName: 'TTE Uji Segel Elektronik', validityYears: SEAL_VALIDITY_YEARS };

/** An in-memory PkiStore with DynamoDB's conditional-put semantics for the seal certificates. */
function memoryPki(caPem?: string) {
  const records = new Map<string, StoredTsaCertificate>();
  let saves = 0;
  const store: Pick<PkiStore, 'findCaCertificate' | 'findSealCertificate' | 'saveSealCertificate' | 'sealSerialNumbers' | 'tsaSerialNumbers'> = {
    findCaCertificate: async () => caPem,
    findSealCertificate: async (keyHash) => records.get(keyHash)?.pem,
    saveSealCertificate: async (keyHash, certificate) => {
      saves++;
      if (records.has(keyHash)) return false;
      records.set(keyHash, certificate);
      return true;
    },
    sealSerialNumbers: async () => [...records.values()].map((record) => record.serialNumber),
    tsaSerialNumbers: async () => ['7a01'],
  };
  return { store, records, saves: () => saves };
}

let testCa: TestCa;
beforeAll(async () => {
  testCa = await newTestCa();
});

describe('serviceSeal (the seal certificate made on first use, as the TSA\'s)', () => {
  it('makes one certificate per seal key, under the key\'s hash, with a signing profile; racing loaders agree on one', async () => {
    const pki = memoryPki();
    const signer = newSigner();
    const deps = { pki: pki.store, signer, clock, settings, authority: async () => testCa.authority };
    const [first, second] = await Promise.all([serviceSeal(deps)(), serviceSeal(deps)()]);
    expect(pki.records.size).toBe(1);
    expect(Buffer.from(first.certificateDer)).toEqual(Buffer.from(second.certificateDer));
    expect(pki.records.has(sha256(await signer.publicKeySpki()))).toBe(true);
    const certificate = new X509Certificate(first.certificateDer);
    expect(certificate.subject).toBe('C=ID\nO=Kementerian Uji Coba\nCN=TTE Uji Segel Elektronik');
    expect(certificate.checkIssued(new X509Certificate(testCa.ca.der))).toBe(true);
    expect(certificate.ca).toBe(false);
    // Node lists the EKUs: the document-signing purposes of a person's certificate, never timeStamping.
    expect(certificate.keyUsage).toEqual(expect.arrayContaining([ID_KP_DOCUMENT_SIGNING]));
    expect(certificate.keyUsage).not.toContain('1.3.6.1.5.5.7.3.8');
    expect(Buffer.from(first.caCertificateDer)).toEqual(Buffer.from(testCa.ca.der));
    // OCSP and the verify API answer the seal's certificate good, like the TSA's.
    expect(await serviceSerialNumbers(pki.store)).toEqual(['7a01', certificate.serialNumber.toLowerCase()]);
  });

  it('without the CA (the signing function) reads what the pki function made, and makes nothing', async () => {
    const pki = memoryPki(testCa.ca.pem);
    const signer = newSigner();
    await expect(serviceSeal({ pki: pki.store, signer, clock, settings })()).rejects.toThrow(/no seal certificate/);
    expect(pki.saves()).toBe(0);
    const made = await serviceSeal({ pki: pki.store, signer, clock, settings, authority: async () => testCa.authority })();
    const read = await serviceSeal({ pki: pki.store, signer, clock, settings })();
    expect(Buffer.from(read.certificateDer)).toEqual(Buffer.from(made.certificateDer));
    expect(Buffer.from(read.caCertificateDer)).toEqual(Buffer.from(testCa.ca.der));
  });

  it('refuses a stored certificate of another key or of another CA', async () => {
    const pki = memoryPki(testCa.ca.pem);
    const other = newSigner();
    const otherCertificate = await testCa.authority.issueSealCertificate({ spki: await other.publicKeySpki(), commonName: 'Lain', now: NOW, validityYears: 1 });
    const signer = newSigner();
    pki.records.set(sha256(await signer.publicKeySpki()), { pem: otherCertificate.pem, serialNumber: otherCertificate.serialNumber });
    await expect(serviceSeal({ pki: pki.store, signer, clock, settings })()).rejects.toThrow(/not for this seal key/);

    const foreignCa = await newTestCa('CA Lain');
    const foreign = await foreignCa.authority.issueSealCertificate({ spki: await other.publicKeySpki(), commonName: 'Lain', now: NOW, validityYears: 1 });
    pki.records.set(sha256(await other.publicKeySpki()), { pem: foreign.pem, serialNumber: foreign.serialNumber });
    await expect(serviceSeal({ pki: pki.store, signer: other, clock, settings })()).rejects.toThrow(/not issued by this CA/);
  });
});

const content: ConsentStatementContent = {
  serviceName: 'TTE Uji', fullName: 'Siti Aminah', employeeNumber: { label: 'NIP', value: '198503152010012003' }, position: 'Analis Kebijakan Ahli Muda',
  unitName: 'Bidang Aplikasi Informatika', agencyName: 'Pemerintah Kabupaten Contoh', email: 'siti@contoh.go.id', policyVersion: '2026-11-01',
  policySha256: 'ab'.repeat(32), acceptedAt: '2026-11-20T03:04:05.000Z', sourceIp: '203.0.113.9', verifyUrl: 'https://tte.contoh.go.id/web/verify',
};

describe('consentStatementPdf', () => {
  it('is the same file for the same consent, one A4 page, dated at the consent', async () => {
    const [first, second] = await Promise.all([consentStatementPdf(content), consentStatementPdf(content)]);
    expect(Buffer.from(first)).toEqual(Buffer.from(second));
    const document = await PDF.load(first);
    expect(document.getPageCount()).toBe(1);
    const page = document.getPage(0)!;
    expect([Math.round(page.width), Math.round(page.height)]).toEqual([595, 842]);
    expect(document.getCreationDate()?.toISOString()).toBe('2026-11-20T03:04:05.000Z');
    expect(Buffer.from(await consentStatementPdf({ ...content, sourceIp: '203.0.113.10' }))).not.toEqual(Buffer.from(first));
  });
});

describe('consentStatement (the use case)', () => {
  const tenantId = 'tenant-contoh';
  const person: UserRecord = {
    userId: 'u-siti', tenantId, role: 'USER', fullName: 'Siti', email: 'siti@contoh.go.id', status: 'ACTIVE', createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(),
    createdBy: 'v', version: 3,
    identity: { fullName: 'Siti Aminah', nikSealed: 'x', nikIndex: 'y', nikLast4: '0001', birthDate: '1985-03-15', gender: 'FEMALE' },
    employment: {
      employmentType: 'ASN', nip: '198503152010012003', position: 'Analis', unitName: 'Bidang Aplikasi Informatika', provinceCode: '72', provinceName: 'Sulawesi Tengah', cityCode: '72.71', cityName: 'Palu',
    },
    consent: { version: '2026-11-01', acceptedAt: '2026-11-20T03:04:05.000Z', sourceIp: '203.0.113.9' },
  } as UserRecord;
  const invited: UserRecord = { ...person, userId: 'u-baru', consent: undefined } as unknown as UserRecord;
  const foreigner: UserRecord = { ...person, userId: 'u-lain', tenantId: 'tenant-lain' };
  let audit: AuditEntry[];

  async function depsWith(): Promise<ConsentStatementDeps> {
    audit = [];
    const pki = memoryPki();
    const tsaSigner = newSigner();
    const tsaCertificate = await testCa.authority.issueTsaCertificate({ spki: await tsaSigner.publicKeySpki(), commonName: 'TSA Uji', now: NOW, validityYears: 1 });
    const tsa = new TimestampAuthority({ signer: tsaSigner, certificate: tsaCertificate.der, caCertificate: testCa.ca.der, clock, policyOid: '1.3.6.1.4.1.99999.1.2' });
    const users = new Map([person, invited, foreigner].map((user) => [user.userId, user]));
    return {
      users: { findUser: async (userId) => users.get(userId) },
      tenants: { findTenant: async (id) => (id === tenantId ? { tenantId, name: 'Pemerintah Kabupaten Contoh', organizationName: 'Pemkab Contoh', emailDomains: [], createdAt: '' } : undefined) },
      seal: serviceSeal({ pki: pki.store, signer: newSigner(), clock, settings, authority: async () => testCa.authority }),
      timestamps: async () => ({ timestamp: (digest, algorithm) => tsa.timestamp({ digest, algorithm }) }),
      revocation: {},
      audit: { record: async (entry) => { audit.push(entry); } },
      clock,
      ids: { newId: () => `id-${audit.length}` },
      settings: { serviceName: 'TTE Uji', webBaseUrl: 'https://tte.contoh.go.id/web/' },
    };
  }

  const own: Actor = { actorId: person.userId, role: 'USER', tenantId };
  const verifier: Actor = { actorId: 'v-1', role: 'VERIFIER', tenantId };

  it('seals the statement for the person (not audited) and for their verifier (audited): the seal is the service\'s, intact and trusted', async () => {
    const deps = await depsWith();
    const mine = await consentStatement(deps, { actor: own, userId: person.userId });
    expect(audit).toEqual([]);
    const report = await verifyPdfSignatures(mine.pdf, { trustAnchors: [testCa.ca.der], clock });
    expect(report.signatures[0]).toMatchObject({ signerName: 'TTE Uji Segel Elektronik', integrityValid: true, certificateTrusted: true });
    expect(mine.fileName).toBe('surat-pernyataan-data-pribadi-u-siti.pdf');

    await consentStatement(deps, { actor: verifier, userId: person.userId });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'CONSENT_STATEMENT_DOWNLOADED', actorId: 'v-1', actorRole: 'VERIFIER', tenantId, subject: { userId: person.userId } });
  });

  it('a seal key the CA has not certified yet (right after a first deployment) is a 503, not a 500', async () => {
    const deps = await depsWith();
    const error = await consentStatement({ ...deps, seal: async () => { throw new Error('There is no seal certificate for this seal key yet'); } }, { actor: own, userId: person.userId })
      .catch((caught: unknown) => caught);
    expect((error as AppError).code).toBe('SERVICE_UNAVAILABLE');
  });

  it.each([
    ['another tenant\'s verifier', verifier, 'u-lain', 'USER_NOT_FOUND'],
    ['a person asking for someone else', own, 'u-baru', 'USER_NOT_FOUND'],
    ['anybody, for nobody', verifier, 'u-tidak-ada', 'USER_NOT_FOUND'],
    ['a verifier, for someone without consent', verifier, 'u-baru', 'CONSENT_NOT_GIVEN'],
  ] as const)('%s: %s, %s, nothing recorded or sealed', async (_name, actor, userId, code) => {
    const deps = await depsWith();
    let sealed = false;
    const error = await consentStatement({ ...deps, seal: async () => { sealed = true; return deps.seal(); } }, { actor, userId }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    expect(audit).toEqual([]);
    expect(sealed).toBe(false);
  });
});
