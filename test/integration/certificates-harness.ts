// The certificates and pki use cases wired to real adapters on the stand-ins (DynamoDB Local,
// s3rver), with a fresh CA key, a fresh key-wrapping key and a clock the test moves by hand.
import { usageDay } from '../../shared/domain/usage.js';
import { generateKeyPairSync, randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as pkijs from 'pkijs';
import { expect } from 'vitest';
import type { CertificatesDeps } from '../../functions/certificates/use-cases/deps.js';
import { confirmIssuanceSelfie, issueCertificate, requestIssuanceSelfieUpload, type IssuancePurpose } from '../../functions/certificates/use-cases/issuance.js';
import { approveApplicant } from '../../functions/enrollment/use-cases/review.js';
import type { PkiDeps } from '../../functions/pki/use-cases.js';
import { ensureBucket } from '../../infra/local/provision.js';
import { DynamoAccountStore } from '../../shared/adapters/aws/dynamo-accounts.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { DynamoPkiStore } from '../../shared/adapters/aws/dynamo-pki.js';
import { S3BlobStore } from '../../shared/adapters/aws/s3-blob-store.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { userItem } from '../../shared/adapters/aws/table-items.js';
import { FileCaSigner, LocalKeyWrapper } from '../../shared/adapters/local/key-vault.js';
import { openSigningKey, signingKeyContext } from '../../shared/crypto/key-custody.js';
import { keys } from '../../shared/data/table.js';
import type { Actor } from '../../shared/domain/actor.js';
import type { UserStatus } from '../../shared/domain/user.js';
import { messageComposer } from '../../shared/outbox.js';
import type { CaSettings } from '../../shared/pki/ca-runtime.js';
import { certificateAuthority } from '../../shared/pki/ca-runtime.js';
import { publishCrl, type CrlDeps } from '../../shared/pki/crl-publisher.js';
import { timestampAuthority, TSA_VALIDITY_YEARS } from '../../shared/pki/tsa-runtime.js';
import type { CertificateRecord, SigningKeyRecord } from '../../shared/ports/certificates.js';
import type { CrlState } from '../../shared/ports/pki.js';
import { randomIds } from '../../shared/ports/runtime.js';
import type { UserRecord } from '../../shared/ports/users.js';
import { freshTable, manualClock, outboxReader, putTenant, quietLogger, s3Client, testSealer, verifierOf } from './harness.js';

type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];
pkijs.setEngine('node-webcrypto', new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as EngineCrypto }));
export { pkijs };

export const DAY = 86_400_000;
export const sampleSelfie = readFileSync(new URL('../fixtures/sample-selfie.jpg', import.meta.url));
export const PASSPHRASE = 'Kunci#Rahasia2026';
export const NEW_PASSPHRASE = 'Sandi&Baru2027x';
export const WRONG_PASSPHRASE = 'Salah#Tebak2026';

const caSettings = (validityDays: number): CaSettings => ({
  publicBaseUrl: 'https://tte.uji.go.id',
  policyOid: '1.3.6.1.4.1.99999.1.1',
  validityDays,
  caCommonName: 'TTE Uji Root CA',
  caOrganizationName: 'TTE Uji',
  caValidityYears: 20,
});

/** One photo bucket and one PKI bucket on s3rver for the whole file. */
const photoBucket = `it-cert-photos-${randomUUID()}`;
const pkiBucket = `it-cert-pki-${randomUUID()}`;
const s3 = s3Client();
let buckets: Promise<void> | undefined;
const ensureBuckets = () => (buckets ??= Promise.all([ensureBucket(s3, photoBucket), ensureBucket(s3, pkiBucket)]).then(() => undefined));

export interface TestHolder {
  userId: string;
  email: string;
  fullName: string;
  actor: Actor;
  /** The raw token of the set-passphrase link sent at approval. */
  enrollToken: string;
}

export async function certificatesSetup(options: { start?: Date; validityDays?: number; crlPublishing?: 'on' | 'failing' } = {}) {
  await ensureBuckets();
  const table = await freshTable();
  const { dynamo, tableName, allItems } = table;
  const clock = manualClock(options.start);
  const sealer = testSealer();
  const tenant = await putTenant(dynamo, tableName, { organizationName: 'Pemerintah Provinsi Uji' });
  const otherTenant = await putTenant(dynamo, tableName, { name: 'Dinas Lain', emailDomains: ['lain.go.id'] });
  const verifier = verifierOf(tenant);
  const otherVerifier = verifierOf(otherTenant);
  const composer = messageComposer({ ids: randomIds, clock, sealer });
  const certificates = new DynamoCertificates(dynamo, tableName);
  const pki = new DynamoPkiStore(dynamo, tableName);
  const blobs = new S3BlobStore(s3, pkiBucket);
  const keyWrapper = new LocalKeyWrapper(randomBytes(32));
  const authority = certificateAuthority({
    pki, signer: new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), clock, settings: caSettings(options.validityDays ?? 730),
  });
  // The CA certificate is made now, at the start of the clock: the clock may only move forward from here.
  const ca = (await authority()).certificate;
  const crlDeps: CrlDeps = { pki, blobs, authority, clock };
  const deps: CertificatesDeps = {
    users: table.users,
    tenants: table.tenants,
    certificates,
    slots: new DynamoAccountStore(dynamo, tableName),
    photos: new S3PhotoStore(s3, photoBucket),
    keyWrapper,
    authority,
    publishCrl: options.crlPublishing === 'failing' ? () => Promise.reject(new Error('s3 is down')) : () => publishCrl(crlDeps),
    composer,
    clock,
    ids: randomIds,
    logger: quietLogger(),
    settings: { webBaseUrl: 'https://tte.uji.go.id' },
  };
  // The TSA (its own key) makes its certificate only when first asked: these tests never do.
  const tsa = timestampAuthority({
    pki, signer: new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), clock, authority,
    settings: { commonName: 'TTE Uji Timestamp Authority', policyOid: '1.3.6.1.4.1.99999.1.1.2', validityYears: TSA_VALIDITY_YEARS },
  });
  const pkiDeps: PkiDeps = { ...crlDeps, certificates, tsa };
  const reviewDeps = { users: table.users, tenants: table.tenants, composer, clock, ids: randomIds, settings: deps.settings };

  const item = async (key: { pk: string; sk: string }) => (await dynamo.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
  /** Every item, in key order: "nothing written" compares two of these. */
  const snapshot = async () => (await allItems()).sort((a, b) => `${a.pk} ${a.sk}`.localeCompare(`${b.pk} ${b.sk}`));
  const { outbox, linkIn } = outboxReader(allItems, sealer);
  const certificateOf = async (serial: string) => (await item(keys.certificate(serial))) as (CertificateRecord & Record<string, unknown>) | undefined;
  const signingKeyOf = async (userId: string) => (await item(keys.signingKey(userId))) as (SigningKeyRecord & Record<string, unknown>) | undefined;
  const crlState = () => pki.crlState() as Promise<CrlState>;
  const usageCount = async (event = 'CERTIFICATE_ISSUED') => {
    const usage = await item(keys.usage(tenant.tenantId, usageDay(clock.now()), event));
    return Number(usage?.count ?? 0);
  };

  let counter = 0;
  /** An applicant approved the way enrollment approves one: "[TTE] Set Passphrase" with the enroll link. */
  const approvedUser = async (fullName: string, extra: Partial<UserRecord> = {}): Promise<TestHolder> => {
    const userId = randomIds.newId();
    const email = `${fullName.toLowerCase().replaceAll(' ', '.')}.${++counter}.${userId.slice(0, 6)}@uji.go.id`;
    const at = clock.now().toISOString();
    const user: UserRecord = {
      userId, tenantId: tenant.tenantId, role: 'USER', fullName, email, status: 'SUBMITTED', createdAt: at, updatedAt: at, createdBy: verifier.actorId, version: 3,
      employment: {
        employmentType: 'ASN', position: 'Analis Kebijakan', unitName: 'Dinas Komunikasi dan Informatika',
        provinceCode: '31', provinceName: 'DKI Jakarta', cityCode: '3171', cityName: 'Kota Jakarta Selatan',
      },
      ...extra,
    };
    await dynamo.send(new PutCommand({ TableName: tableName, Item: userItem(user) }));
    await dynamo.send(new PutCommand({ TableName: tableName, Item: { ...keys.emailUnique(email), userId, tenantId: tenant.tenantId } }));
    await approveApplicant(reviewDeps, userId, { actorId: verifier.actorId, actorRole: 'VERIFIER' });
    return { userId, email, fullName, actor: { actorId: userId, role: 'USER', tenantId: tenant.tenantId }, enrollToken: await linkIn(email, 'setPassphrase') };
  };
  /** Moves a user to another status directly in the table (rejected later, disabled, account set up). */
  const setStatus = async (userId: string, status: UserStatus) => {
    await dynamo.send(new UpdateCommand({
      TableName: tableName, Key: keys.user(userId), UpdateExpression: 'SET #status = :status', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':status': status },
    }));
  };
  /** The fresh selfie on an enroll or reset-passphrase link: upload slot, PUT to s3rver, confirm. */
  const freshSelfie = async (token: string, purpose: IssuancePurpose = 'enroll') => {
    const slot = await requestIssuanceSelfieUpload(deps, { token, purpose, contentType: 'image/jpeg', contentLength: sampleSelfie.length });
    const put = await fetch(slot.uploadUrl, { method: 'PUT', headers: slot.uploadHeaders, body: sampleSelfie });
    expect(put.status, await put.text()).toBe(200);
    return confirmIssuanceSelfie(deps, { token, purpose, photoId: slot.photoId });
  };
  /** Selfie, then passphrase and agreement on the link: the certificate issued. */
  const issueThrough = async (token: string, passphrase = PASSPHRASE, purpose: IssuancePurpose = 'enroll') => {
    await freshSelfie(token, purpose);
    return (await issueCertificate(deps, { token, purpose, passphrase, sourceIp: '203.0.113.7' })).certificate;
  };
  /** An approved user holding an ISSUED certificate. */
  const holder = async (fullName: string, passphrase = PASSPHRASE) => {
    const user = await approvedUser(fullName);
    const certificate = await issueThrough(user.enrollToken, passphrase);
    return { ...user, certificate, serial: certificate.serialNumber };
  };
  /** The PKCS#8 of a user's current key, opened with the passphrase (or WRONG_PASSPHRASE). */
  const openKey = async (userId: string, passphrase: string) => {
    const key = (await signingKeyOf(userId))!;
    return openSigningKey(keyWrapper, key.sealed, passphrase, signingKeyContext(userId, key.keyId));
  };
  /** The CRL the state points to, verified under the CA, as serial → reason code (-1: no reason extension). */
  const publishedCrl = async () => {
    const state = await crlState();
    if (!state.published) throw new Error('no CRL published');
    const der = await blobs.get(state.published.objectKey);
    if (!der) throw new Error(`CRL object ${state.published.objectKey} missing`);
    return { state, der, ...(await readCrl(der, ca.der)) };
  };

  return {
    ...table, clock, sealer, tenant, otherTenant, verifier, otherVerifier, composer, certificates, pki, blobs, keyWrapper, authority, ca, crlDeps, deps, pkiDeps, s3, photoBucket,
    item, snapshot, outbox, linkIn, certificateOf, signingKeyOf, crlState, usageCount, approvedUser, setStatus, freshSelfie, issueThrough, holder, openKey, publishedCrl,
  };
}

export type CertificatesContext = Awaited<ReturnType<typeof certificatesSetup>>;

/** A DER CRL parsed by pkijs and verified under the CA: its number and its entries (serial → reason code, -1 when none). */
export async function readCrl(der: Uint8Array, caDer: Uint8Array) {
  const crl = pkijs.CertificateRevocationList.fromBER(der);
  const caCert = pkijs.Certificate.fromBER(caDer);
  const signatureValid = await crl.verify({ issuerCertificate: caCert });
  const numberExtension = crl.crlExtensions?.extensions.find((extension) => extension.extnID === '2.5.29.20');
  const crlNumber = numberExtension ? (numberExtension.parsedValue as { valueBlock: { valueDec: number } }).valueBlock.valueDec : undefined;
  const entries = new Map<string, number>();
  for (const entry of crl.revokedCertificates ?? []) {
    const serial = Buffer.from(entry.userCertificate.valueBlock.valueHexView).toString('hex');
    const reason = entry.crlEntryExtensions?.extensions.find((extension) => extension.extnID === '2.5.29.21');
    entries.set(serial, reason ? (reason.parsedValue as { valueBlock: { valueDec: number } }).valueBlock.valueDec : -1);
  }
  return { crl, signatureValid, crlNumber, entries, nextUpdate: crl.nextUpdate?.value, thisUpdate: crl.thisUpdate.value };
}

export { openssl } from '../openssl.js';
