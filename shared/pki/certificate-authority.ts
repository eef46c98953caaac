import { createPublicKey, KeyObject, randomBytes, sign, verify, type webcrypto } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AccessDescription,
  Attribute,
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CertificatePolicies,
  CRLDistributionPoints,
  CRLNumber,
  CRLReason,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  PolicyInformation,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ad_caIssuers,
  id_ad_ocsp,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_certificatePolicies,
  id_ce_cRLDistributionPoints,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_emailProtection,
  id_kp_timeStamping,
  id_pe_authorityInfoAccess,
} from '@peculiar/asn1-x509';
import {
  CertID,
  CertStatus,
  KeyHash,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
} from '@peculiar/asn1-ocsp';
import type { CaSigner } from '../ports/ca-signer.js';
import { revocationReasonCodes, type CertificateStatusAnswer, type RevocationReason } from '../domain/certificates.js';
import { DerError, integer, readChildren, readSingle, TAG, time, tlv, type DerElement } from './der.js';
import {
  ECDSA_WITH_SHA256_DER,
  ID_EC_PUBLIC_KEY,
  ID_SHA1,
  ID_SHA256,
  P256_SPKI_LENGTH,
  P256_SPKI_PREFIX,
  PRIME256V1_PARAMETERS,
  ecdsaWithSha256,
  fromPem,
  hex,
  serialBytes,
  sha1,
  sha256,
  signedStructure,
  toArrayBuffer,
  toPem,
  wholeSeconds,
} from './encoding.js';
import { buildName, checkAttribute, checkEmail, encodeName, formatAttributes, formatName, type NameAttribute } from './names.js';

export { toPem } from './encoding.js';
export { SubjectInvalidError } from './names.js';

export interface CaCertificate {
  der: Uint8Array;
  pem: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  subject: string;
}

export interface SubjectProfile {
  commonName: string;
  organizationName: string;
  organizationalUnit?: string;
  email: string;
}

export interface IssuedCertificate {
  serialNumber: string;
  der: Uint8Array;
  pem: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

export interface RevokedEntry {
  serialNumber: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface CaProfileSettings {
  /** e.g. http://127.0.0.1:3000; URLs: `${base}/pki/crl`, `${base}/pki/ocsp`, `${base}/pki/ca.crt` */
  publicBaseUrl: string;
  /** The service's certificate policy OID. */
  policyOid: string;
  /** End-entity validity in days (730 by default, set by the caller). */
  validityDays: number;
}

/** The CSR is undecodable, not ECDSA P-256 with SHA-256, or its signature does not verify. */
export class CsrInvalidError extends Error {
  override readonly name = 'CsrInvalidError';
}

/** The OCSP request is undecodable or unacceptable (answer `malformedRequest`). */
export class OcspRequestInvalidError extends Error {
  override readonly name = 'OcspRequestInvalidError';
}

/** documentSigning (RFC 9336). */
export const ID_KP_DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
const ID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const ID_AT_ORGANIZATION_NAME = '2.5.4.10';
/** How long an OCSP answer may be cached (its nextUpdate). */
export const OCSP_VALIDITY_MS = 3_600_000;
/** CertIDs answered in one OCSP request (more is refused as malformed). */
export const MAX_OCSP_REQUESTS = 100;
/** RFC 8954: a nonce longer than 32 octets is refused (+2 for its OCTET STRING header). */
const MAX_NONCE_EXTENSION_BYTES = 34;

/** 16 random bytes, positive and always full length: first byte in 0x40..0x7f. */
export function newSerialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  return serial;
}

function extension(extnID: string, critical: boolean, value: object): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function der(value: object): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(value));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

function uri(uniformResourceIdentifier: string): GeneralName {
  return new GeneralName({ uniformResourceIdentifier });
}

function isP256(spki: SubjectPublicKeyInfo): boolean {
  const parameters = spki.algorithm.parameters;
  return spki.algorithm.algorithm === ID_EC_PUBLIC_KEY && parameters instanceof ArrayBuffer && PRIME256V1_PARAMETERS.equals(new Uint8Array(parameters));
}

/** The subject the RA decided, checked, most significant first: C=ID, O, OU (if any), CN. */
function subjectAttributes(subject: SubjectProfile): NameAttribute[] {
  const organizationalUnit = subject.organizationalUnit === undefined ? undefined : checkAttribute('organizationalUnit', subject.organizationalUnit);
  return [
    ['C', 'ID'],
    ['O', checkAttribute('organizationName', subject.organizationName)],
    ...(organizationalUnit === undefined ? [] : [['OU', organizationalUnit] as const]),
    ['CN', checkAttribute('commonName', subject.commonName)],
  ];
}

function sanExtension(email: string): Extension {
  return extension(id_ce_subjectAltName, false, new SubjectAlternativeName([new GeneralName({ rfc822Name: checkEmail(email) })]));
}

/** The SAN extension's OID and the rfc822Name tag, as the library encodes them. */
const SAN_ENCODING = (() => {
  const [oid, value] = readChildren(readSingle(der(sanExtension('x@example.com'))));
  const [rfc822Name] = readChildren(readSingle(value!.contents));
  return { oid: oid!.bytes, rfc822NameTag: rfc822Name!.tag };
})();

/** The DER of sanExtension(email), framed directly. */
function encodeSanExtension(email: string): Uint8Array {
  const name = tlv(SAN_ENCODING.rfc822NameTag, [Buffer.from(checkEmail(email), 'latin1')]);
  return tlv(TAG.SEQUENCE, [SAN_ENCODING.oid, tlv(TAG.OCTET_STRING, [tlv(TAG.SEQUENCE, [name])])]);
}

/** version [0] EXPLICIT INTEGER v3 (2), in a TBSCertificate. */
const CERTIFICATE_V3 = tlv(TAG.CONTEXT_0, [integer(Uint8Array.of(Version.v3))]);
/** version INTEGER v2 (1), in a TBSCertList. */
const CRL_V2 = integer(Uint8Array.of(Version.v2));

/** Self-signed CA certificate, signed through the CaSigner. */
export async function createCaCertificate(
  signer: CaSigner,
  input: { commonName: string; organizationName: string; now: Date; validityYears: number },
): Promise<CaCertificate> {
  if (!Number.isInteger(input.validityYears) || input.validityYears < 1) throw new RangeError('validityYears must be a positive integer');
  const spki = AsnConvert.parse(await signer.publicKeySpki(), SubjectPublicKeyInfo);
  if (!isP256(spki)) throw new Error('The CA key must be an EC P-256 key');
  const name = buildName([
    ['C', 'ID'],
    ['O', checkAttribute('organizationName', input.organizationName)],
    ['CN', checkAttribute('commonName', input.commonName)],
  ]);
  const notBefore = wholeSeconds(input.now);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + input.validityYears);
  const serialNumber = newSerialNumber();
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(serialNumber),
    signature: ecdsaWithSha256(),
    issuer: name,
    validity: new Validity({ notBefore, notAfter }),
    subject: name,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature)),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(sha1(spki.subjectPublicKey))),
    ]),
  });
  const tbsDer = der(tbs);
  const certificate = signedStructure(tbsDer, await signer.signSha256(tbsDer));
  return {
    der: certificate,
    pem: toPem(certificate, 'CERTIFICATE'),
    serialNumber: hex(serialNumber),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    subject: formatName(name),
  };
}

/** Rebuilds a CaCertificate from its PEM (as kept in storage). */
export function parseCaCertificate(pem: string): CaCertificate {
  const certificate = fromPem(pem, 'CERTIFICATE');
  const tbs = AsnConvert.parse(certificate, Certificate).tbsCertificate;
  const basicConstraints = tbs.extensions?.find((e) => e.extnID === id_ce_basicConstraints);
  if (!basicConstraints || !AsnConvert.parse(basicConstraints.extnValue, BasicConstraints).cA) {
    throw new Error('Not a CA certificate (basicConstraints cA is not set)');
  }
  return {
    der: certificate,
    pem: toPem(certificate, 'CERTIFICATE'),
    serialNumber: hex(tbs.serialNumber),
    notBefore: tbs.validity.notBefore.getTime().toISOString(),
    notAfter: tbs.validity.notAfter.getTime().toISOString(),
    subject: formatName(tbs.subject),
  };
}

/**
 * A PKCS#10 CSR signed by the holder's own key (proof of possession); subject C=ID, O, OU, CN and
 * an extensionRequest for the e-mail SAN. keys: WebCrypto ECDSA P-256 pair (the private key may
 * be non-extractable).
 */
export async function createCertificateRequest(
  keys: webcrypto.CryptoKeyPair,
  subject: SubjectProfile,
): Promise<{ der: Uint8Array; pem: string }> {
  const privateKey = KeyObject.from(keys.privateKey);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('The key pair must be ECDSA P-256');
  }
  const spkiDer = KeyObject.from(keys.publicKey).export({ type: 'spki', format: 'der' });
  const extensionRequest = new Attribute({
    type: ID_EXTENSION_REQUEST,
    values: [AsnConvert.serialize(new Extensions([sanExtension(subject.email)]))],
  });
  // CertificationRequestInfo ::= SEQUENCE { version 0, subject, subjectPKInfo, attributes [0] IMPLICIT SET OF Attribute }
  const infoDer = tlv(TAG.SEQUENCE, [
    integer(Uint8Array.of(0)),
    der(buildName(subjectAttributes(subject))),
    spkiDer,
    tlv(TAG.CONTEXT_0, [der(extensionRequest)]),
  ]);
  const request = signedStructure(infoDer, sign('sha256', infoDer, { key: privateKey, dsaEncoding: 'der' }));
  return { der: request, pem: toPem(request, 'CERTIFICATE REQUEST') };
}

/** An OCSPResponse without a body, for the error statuses (RFC 6960 §2.3). */
export function ocspErrorResponse(status: 'malformedRequest' | 'internalError' | 'tryLater' | 'unauthorized'): Uint8Array {
  return der(new OCSPResponse({ responseStatus: OCSPResponseStatus[status] }));
}

interface IssuerHashes {
  name: Buffer;
  key: Buffer;
}

/** What issue() keeps of a CSR: the holder's P-256 SubjectPublicKeyInfo (DER) and its point. */
interface HolderKey {
  spki: Uint8Array;
  point: Uint8Array;
}

/** A certificate the CA makes for one of the service's own keys (its TSA, its seal). */
export interface ServiceCertificateInput {
  /** DER SubjectPublicKeyInfo of the key (EC P-256). */
  spki: Uint8Array;
  commonName: string;
  now: Date;
  validityYears: number;
}

/**
 * The CA's operations. Everything constant per CA (its name, key identifiers, the profile's
 * fixed extensions, the OCSP issuer hashes) is encoded once here with the ASN.1 schema library;
 * per certificate or CRL only the variable parts are encoded and framed (see der.ts). Each
 * signature goes through the CaSigner, whose DER ECDSA-Sig-Value goes straight into the
 * signature BIT STRING.
 */
export class CertificateAuthority {
  /** The CA certificate this authority signs under (for `/pki/ca.pem`, chains, DSS). */
  readonly certificate: CaCertificate;
  private readonly issuerDer: Uint8Array;
  private readonly caKeyBits: ArrayBuffer;
  private readonly caNotBefore: Date;
  private readonly caNotAfter: Date;
  private readonly authorityKeyIdentifierDer: Uint8Array;
  private readonly leafExtensionsHead: Uint8Array;
  private readonly leafExtensionsTail: Uint8Array;
  /** basicConstraints, keyUsage and the timeStamping EKU of the TSA certificate (RFC 3161 §2.3). */
  private readonly tsaExtensionsHead: Uint8Array;
  /** The CA's organisation (O), which the TSA certificate's subject repeats. */
  private readonly organizationName: string | undefined;
  /** An SKI extension whose last 20 octets are the key identifier, to be filled in. */
  private readonly skiTemplate: Uint8Array;
  /** crlEntryExtensions (SEQUENCE OF Extension) per reason; none for `unspecified`. */
  private readonly reasonExtensions: ReadonlyMap<RevocationReason, Uint8Array | undefined>;
  private readonly issuerHashes: ReadonlyMap<string, IssuerHashes>;
  private readonly responderId: ResponderID;
  private readonly validityMs: number;
  private signerChecked: Promise<void> | undefined;

  constructor(
    private readonly signer: CaSigner,
    ca: CaCertificate,
    settings: CaProfileSettings,
  ) {
    const base = settings.publicBaseUrl.replace(/\/+$/, '');
    if (!/^https?:\/\/[^\s/]+/.test(base)) throw new RangeError('publicBaseUrl must be an http(s) URL');
    if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(settings.policyOid)) throw new RangeError('policyOid must be a dotted OID');
    if (!Number.isInteger(settings.validityDays) || settings.validityDays < 1) throw new RangeError('validityDays must be a positive integer');
    this.validityMs = settings.validityDays * 86_400_000;
    this.certificate = ca;

    const tbs = AsnConvert.parse(ca.der, Certificate).tbsCertificate;
    if (!isP256(tbs.subjectPublicKeyInfo)) throw new Error('The CA certificate must hold an EC P-256 key');
    // The issuer of everything this CA signs is its subject, byte for byte.
    const tbsFields = readChildren(readChildren(readSingle(ca.der))[0]!);
    const subjectField = tbsFields[tbsFields[0]?.tag === TAG.CONTEXT_0 ? 5 : 4];
    if (!subjectField) throw new Error('The CA certificate has no subject');
    this.issuerDer = new Uint8Array(subjectField.bytes);
    this.caKeyBits = tbs.subjectPublicKeyInfo.subjectPublicKey;
    this.caNotBefore = tbs.validity.notBefore.getTime();
    this.caNotAfter = tbs.validity.notAfter.getTime();
    const keySha1 = sha1(this.caKeyBits);
    const skiExtension = tbs.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
    const caSki = skiExtension ? AsnConvert.parse(skiExtension.extnValue, SubjectKeyIdentifier).buffer : toArrayBuffer(keySha1);

    this.authorityKeyIdentifierDer = der(
      extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(caSki) })),
    );
    this.leafExtensionsHead = concat([
      der(extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false }))),
      der(extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation))),
      der(extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_emailProtection, ID_KP_DOCUMENT_SIGNING]))),
    ]);
    this.leafExtensionsTail = concat([
      this.authorityKeyIdentifierDer,
      der(extension(id_ce_certificatePolicies, false, new CertificatePolicies([new PolicyInformation({ policyIdentifier: settings.policyOid })]))),
      der(
        extension(
          id_ce_cRLDistributionPoints,
          false,
          new CRLDistributionPoints([new DistributionPoint({ distributionPoint: new DistributionPointName({ fullName: [uri(`${base}/pki/crl`)] }) })]),
        ),
      ),
      der(
        extension(
          id_pe_authorityInfoAccess,
          false,
          new AuthorityInfoAccessSyntax([
            new AccessDescription({ accessMethod: id_ad_ocsp, accessLocation: uri(`${base}/pki/ocsp`) }),
            new AccessDescription({ accessMethod: id_ad_caIssuers, accessLocation: uri(`${base}/pki/ca.crt`) }),
          ]),
        ),
      ),
    ]);
    this.tsaExtensionsHead = concat([
      der(extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false }))),
      der(extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature))),
      // RFC 3161 §2.3: timeStamping is the only key purpose, and the extension is critical.
      der(extension(id_ce_extKeyUsage, true, new ExtendedKeyUsage([id_kp_timeStamping]))),
    ]);
    this.organizationName = tbs.subject.flatMap((rdn) => [...rdn]).find((atv) => atv.type === ID_AT_ORGANIZATION_NAME)?.value.toString();
    this.skiTemplate = der(extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(new Uint8Array(20))));
    this.reasonExtensions = new Map(
      (Object.entries(revocationReasonCodes) as [RevocationReason, number][]).map(([reason, code]) => [
        reason,
        // RFC 5280 §5.3.1: no reasonCode entry extension for `unspecified`.
        code === 0 ? undefined : der(new Extensions([extension(id_ce_cRLReasons, false, new CRLReason(code))])),
      ]),
    );
    this.issuerHashes = new Map([
      [ID_SHA1, { name: sha1(this.issuerDer), key: keySha1 }],
      [ID_SHA256, { name: sha256(this.issuerDer), key: sha256(this.caKeyBits) }],
    ]);
    this.responderId = new ResponderID({ byKey: new KeyHash(keySha1) });
  }

  /** Verifies the CSR's signature (throws CsrInvalidError if bad), takes ONLY its public key; subject comes from `subject` (the RA decides it). */
  async issue(input: { csrDer: Uint8Array; subject: SubjectProfile; now: Date }): Promise<IssuedCertificate> {
    const holder = verifiedCsrKey(input.csrDer);
    const subject = subjectAttributes(input.subject);
    const san = encodeSanExtension(input.subject.email);
    const notBefore = wholeSeconds(input.now);
    this.checkCaValidAt(notBefore);
    // A certificate never outlives its CA.
    const notAfter = new Date(Math.min(notBefore.getTime() + this.validityMs, this.caNotAfter.getTime()));
    const ski = new Uint8Array(this.skiTemplate);
    ski.set(sha1(holder.point), ski.length - 20);
    return this.signCertificate({ subject, notBefore, notAfter, spki: holder.spki, extensions: [this.leafExtensionsHead, ski, san, this.leafExtensionsTail] });
  }

  /**
   * The certificate of the service's timestamp authority, for its own key (`spki`, DER
   * SubjectPublicKeyInfo, P-256): subject C=ID, O = the CA's organisation, CN = commonName; KU
   * digitalSignature and EKU timeStamping, both critical; the CRL, OCSP and CA addresses of
   * every certificate. It never outlives the CA.
   */
  async issueTsaCertificate(input: ServiceCertificateInput): Promise<IssuedCertificate> {
    return this.issueServiceCertificate(input, 'TSA', this.tsaExtensionsHead);
  }

  /**
   * The certificate of the service's electronic seal (documents the service itself signs, such as
   * the personal-data statement), for its own key: the subject as the TSA's (C=ID, O = the CA's
   * organisation, CN = commonName), the key usages and EKUs of a person's signing certificate
   * (digitalSignature, nonRepudiation; emailProtection, documentSigning), so that every PDF
   * validator treats a seal like any signature of this CA. It never outlives the CA.
   */
  async issueSealCertificate(input: ServiceCertificateInput): Promise<IssuedCertificate> {
    return this.issueServiceCertificate(input, 'seal', this.leafExtensionsHead);
  }

  private async issueServiceCertificate(input: ServiceCertificateInput, purpose: string, extensionsHead: Uint8Array): Promise<IssuedCertificate> {
    if (!Number.isInteger(input.validityYears) || input.validityYears < 1) throw new RangeError('validityYears must be a positive integer');
    let spki: SubjectPublicKeyInfo;
    try {
      spki = AsnConvert.parse(input.spki, SubjectPublicKeyInfo);
    } catch {
      throw new Error(`The ${purpose} key is not a DER SubjectPublicKeyInfo`);
    }
    if (!isP256(spki)) throw new Error(`The ${purpose} key must be an EC P-256 key`);
    if (!this.organizationName) throw new Error(`The CA certificate names no organisation (O) for the ${purpose} subject`);
    const subject: NameAttribute[] = [
      ['C', 'ID'],
      ['O', this.organizationName],
      ['CN', checkAttribute('commonName', input.commonName)],
    ];
    const notBefore = wholeSeconds(input.now);
    this.checkCaValidAt(notBefore);
    const end = new Date(notBefore);
    end.setUTCFullYear(end.getUTCFullYear() + input.validityYears);
    const notAfter = new Date(Math.min(end.getTime(), this.caNotAfter.getTime()));
    const ski = der(extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(sha1(spki.subjectPublicKey))));
    return this.signCertificate({ subject, notBefore, notAfter, spki: der(spki), extensions: [extensionsHead, ski, this.leafExtensionsTail] });
  }

  /** A v2 CRL (DER) of these entries, signed by the CA. */
  async crl(input: { crlNumber: number; thisUpdate: Date; nextUpdate: Date; entries: readonly RevokedEntry[] }): Promise<Uint8Array> {
    if (!Number.isSafeInteger(input.crlNumber) || input.crlNumber < 0) throw new RangeError('crlNumber must be a non-negative integer');
    const thisUpdate = wholeSeconds(input.thisUpdate);
    const nextUpdate = wholeSeconds(input.nextUpdate);
    if (nextUpdate <= thisUpdate) throw new RangeError('nextUpdate must be after thisUpdate');
    const revoked = input.entries.map((entry) => {
      if (!this.reasonExtensions.has(entry.reason)) throw new RangeError(`Unknown revocation reason: ${entry.reason}`);
      const reason = this.reasonExtensions.get(entry.reason);
      const fields = [integer(serialBytes(entry.serialNumber)), time(wholeSeconds(entry.revokedAt))];
      return tlv(TAG.SEQUENCE, reason ? [...fields, reason] : fields);
    });
    const tbs = tlv(TAG.SEQUENCE, [
      CRL_V2,
      ECDSA_WITH_SHA256_DER,
      this.issuerDer,
      time(thisUpdate),
      time(nextUpdate),
      // RFC 5280 §5.1.2.6: absent, not empty, when nothing is revoked.
      ...(revoked.length > 0 ? [tlv(TAG.SEQUENCE, revoked)] : []),
      tlv(TAG.CONTEXT_0, [tlv(TAG.SEQUENCE, [this.authorityKeyIdentifierDer, der(extension(id_ce_cRLNumber, false, new CRLNumber(input.crlNumber)))])]),
    ]);
    return this.signTbs(tbs);
  }

  /**
   * Parses an OCSP request (DER); for each CertID that names this CA (issuerNameHash/issuerKeyHash
   * with SHA-1 or SHA-256) asks `lookup(serialHex)`; answers a signed BasicOCSPResponse; echoes
   * the nonce extension. Throws OcspRequestInvalidError for undecodable input. A request for
   * another issuer only: an OCSPResponse with status `unauthorized` (its nextUpdate = now).
   * CertIDs of other issuers in a mixed request are answered `unknown`.
   */
  async ocsp(
    requestDer: Uint8Array,
    lookup: (serialNumber: string) => Promise<CertificateStatusAnswer>,
    now: Date,
  ): Promise<{ der: Uint8Array; nextUpdate: Date }> {
    const request = parseOcspRequest(requestDer);
    const producedAt = wholeSeconds(now);
    const nextUpdate = new Date(producedAt.getTime() + OCSP_VALIDITY_MS);
    const certIds = request.tbsRequest.requestList.map((r) => r.reqCert);
    const ours = certIds.map((id) => this.namesThisCa(id));
    if (!ours.includes(true)) return { der: ocspErrorResponse('unauthorized'), nextUpdate: producedAt };
    const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);

    const answers = await Promise.all(
      certIds.map((id, i): Promise<CertificateStatusAnswer> => (ours[i] ? lookup(hex(id.serialNumber)) : Promise.resolve({ status: 'unknown' }))),
    );
    const responses = certIds.map(
      (certID, i) => new SingleResponse({ certID, certStatus: certStatus(answers[i]!), thisUpdate: producedAt, nextUpdate }),
    );
    const responseData = new ResponseData({
      responderID: this.responderId,
      producedAt,
      responses,
      responseExtensions: nonce ? [new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: nonce.extnValue })] : undefined,
    });
    const basic = await this.signTbs(der(responseData));
    const response = new OCSPResponse({
      responseStatus: OCSPResponseStatus.successful,
      responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(basic) }),
    });
    return { der: der(response), nextUpdate };
  }

  private checkCaValidAt(at: Date): void {
    if (at < this.caNotBefore || at >= this.caNotAfter) throw new Error(`The CA certificate is not valid at ${at.toISOString()}`);
  }

  private namesThisCa(id: CertID): boolean {
    const hashes = this.issuerHashes.get(id.hashAlgorithm.algorithm);
    return hashes !== undefined && hashes.name.equals(new Uint8Array(id.issuerNameHash.buffer)) && hashes.key.equals(new Uint8Array(id.issuerKeyHash.buffer));
  }

  /** A certificate under this CA (a fresh serial; the extensions' DER in order), with what callers keep of it. */
  private async signCertificate(facts: {
    subject: Parameters<typeof formatAttributes>[0]; notBefore: Date; notAfter: Date; spki: Uint8Array; extensions: readonly Uint8Array[];
  }): Promise<IssuedCertificate> {
    const serialNumber = newSerialNumber();
    const tbs = tlv(TAG.SEQUENCE, [
      CERTIFICATE_V3,
      integer(serialNumber),
      ECDSA_WITH_SHA256_DER,
      this.issuerDer,
      tlv(TAG.SEQUENCE, [time(facts.notBefore), time(facts.notAfter)]),
      encodeName(facts.subject),
      facts.spki,
      tlv(TAG.CONTEXT_3, [tlv(TAG.SEQUENCE, [...facts.extensions])]),
    ]);
    const certificate = await this.signTbs(tbs);
    return {
      serialNumber: hex(serialNumber),
      der: certificate,
      pem: toPem(certificate, 'CERTIFICATE'),
      subject: formatAttributes(facts.subject),
      notBefore: facts.notBefore.toISOString(),
      notAfter: facts.notAfter.toISOString(),
    };
  }

  private async signTbs(tbsDer: Uint8Array): Promise<Uint8Array> {
    await this.checkSigner();
    return signedStructure(tbsDer, await this.signer.signSha256(tbsDer));
  }

  /** Once per instance: the signer's key must be the key of the CA certificate. */
  private checkSigner(): Promise<void> {
    this.signerChecked ??= this.signer.publicKeySpki().then(
      (spki) => {
        if (!Buffer.from(AsnConvert.parse(spki, SubjectPublicKeyInfo).subjectPublicKey).equals(new Uint8Array(this.caKeyBits))) {
          throw new Error('The CA signer key does not match the CA certificate');
        }
      },
      (error: unknown) => {
        this.signerChecked = undefined; // a transient failure is retried next time
        throw error;
      },
    );
    return this.signerChecked;
  }
}

/**
 * CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature }
 * with CertificationRequestInfo ::= SEQUENCE { version 0, subject, subjectPKInfo, [0] attributes }.
 * Only the key is taken: it must be P-256 (uncompressed point), the algorithm ecdsa-with-SHA256,
 * and the signature over the info's exact bytes must verify under that key (Node crypto).
 */
function verifiedCsrKey(csrDer: Uint8Array): HolderKey {
  let info: DerElement;
  let signature: Uint8Array;
  let spki: Uint8Array;
  try {
    const request = readSingle(csrDer);
    if (request.tag !== TAG.SEQUENCE) throw new CsrInvalidError('Not a certificate request');
    const fields = readChildren(request);
    const [infoField, algorithm, signatureField] = fields;
    if (fields.length !== 3 || !infoField || !algorithm || !signatureField || infoField.tag !== TAG.SEQUENCE) {
      throw new CsrInvalidError('Not a certificate request');
    }
    if (!Buffer.from(algorithm.bytes).equals(ECDSA_WITH_SHA256_DER)) {
      throw new CsrInvalidError('The certificate request must be signed with ecdsa-with-SHA256');
    }
    if (signatureField.tag !== TAG.BIT_STRING || signatureField.contents[0] !== 0) throw new CsrInvalidError('Malformed signature');
    const [version, subject, key, ...attributes] = readChildren(infoField);
    if (!version || version.bytes.length !== 3 || version.tag !== TAG.INTEGER || version.contents[0] !== 0) {
      throw new CsrInvalidError('Unsupported certificate request version');
    }
    if (subject?.tag !== TAG.SEQUENCE || key?.tag !== TAG.SEQUENCE || attributes.length > 1 || (attributes[0] && attributes[0].tag !== TAG.CONTEXT_0)) {
      throw new CsrInvalidError('Not a certificate request');
    }
    if (key.bytes.length !== P256_SPKI_LENGTH || !P256_SPKI_PREFIX.equals(key.bytes.subarray(0, P256_SPKI_PREFIX.length))) {
      throw new CsrInvalidError('The certificate request key must be EC P-256 (uncompressed point)');
    }
    info = infoField;
    signature = signatureField.contents.subarray(1);
    spki = key.bytes;
  } catch (error) {
    if (error instanceof CsrInvalidError) throw error;
    if (error instanceof DerError) throw new CsrInvalidError(`The certificate request cannot be decoded: ${error.message}`);
    throw error;
  }
  const point = spki.subarray(P256_SPKI_PREFIX.length - 1);
  let valid = false;
  try {
    // JWK import is the cheapest way into Node crypto, and rejects points off the curve.
    const x = Buffer.from(point.subarray(1, 33)).toString('base64url');
    const y = Buffer.from(point.subarray(33, 65)).toString('base64url');
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
    valid = verify('sha256', info.bytes, { key, dsaEncoding: 'der' }, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new CsrInvalidError('The certificate request signature does not verify');
  return { spki: new Uint8Array(spki), point: new Uint8Array(point) };
}

function parseOcspRequest(requestDer: Uint8Array): OCSPRequest {
  let request: OCSPRequest;
  try {
    request = AsnConvert.parse(requestDer, OCSPRequest);
  } catch {
    throw new OcspRequestInvalidError('The OCSP request cannot be decoded');
  }
  const count = request.tbsRequest.requestList.length;
  if (count === 0) throw new OcspRequestInvalidError('The OCSP request names no certificate');
  if (count > MAX_OCSP_REQUESTS) throw new OcspRequestInvalidError(`The OCSP request names more than ${MAX_OCSP_REQUESTS} certificates`);
  const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  if (nonce && (nonce.extnValue.byteLength === 0 || nonce.extnValue.byteLength > MAX_NONCE_EXTENSION_BYTES)) {
    throw new OcspRequestInvalidError('The OCSP nonce must be 1 to 32 octets');
  }
  return request;
}

function certStatus(answer: CertificateStatusAnswer): CertStatus {
  switch (answer.status) {
    case 'good':
      return new CertStatus({ good: null });
    case 'unknown':
      return new CertStatus({ unknown: null });
    case 'revoked': {
      const code = revocationReasonCodes[answer.reason];
      return new CertStatus({
        revoked: new RevokedInfo({
          revocationTime: wholeSeconds(answer.revokedAt),
          revocationReason: code === undefined || code === 0 ? undefined : new CRLReason(code),
        }),
      });
    }
  }
}
