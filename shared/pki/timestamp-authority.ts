import { createPublicKey, X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CaSigner } from '../ports/ca-signer.js';
import type { Clock } from '../ports/runtime.js';
import { newSerialNumber } from './certificate-authority.js';
import { DerError, readSingle, tlv, time } from './der.js';
import { ECDSA_WITH_SHA256, ID_SHA256, hex, sha256, toArrayBuffer, toPem } from './encoding.js';
import { formatName } from './names.js';

/**
 * The service's RFC 3161 timestamp authority. Tokens are CMS SignedData over a TSTInfo, built with
 * pkijs; the signature over the signed attributes comes from the CaSigner port (KMS on AWS, a key
 * file locally), never from a WebCrypto key, so the signature value is set here.
 */

export type TimestampHashAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** The message-imprint hashes a request may use, by name and by OID (NIST, RFC 5754). */
const HASHES: Readonly<Record<TimestampHashAlgorithm, { oid: string; length: number }>> = {
  'SHA-256': { oid: ID_SHA256, length: 32 },
  'SHA-384': { oid: '2.16.840.1.101.3.4.2.2', length: 48 },
  'SHA-512': { oid: '2.16.840.1.101.3.4.2.3', length: 64 },
};
const HASH_BY_OID = new Map(Object.entries(HASHES).map(([name, hash]) => [hash.oid, { name: name as TimestampHashAlgorithm, ...hash }]));

/** id-ct-TSTInfo (RFC 3161 §2.4.2). */
export const ID_CT_TST_INFO = '1.2.840.113549.1.9.16.1.4';
/** id-kp-timeStamping. */
export const ID_KP_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const ID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ID_SIGNING_TIME = '1.2.840.113549.1.9.5';
/** id-aa-signingCertificateV2 (RFC 5035). */
export const ID_AA_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const ID_CE_EXT_KEY_USAGE = '2.5.29.37';
const ID_CE_KEY_USAGE = '2.5.29.15';

/** The default accuracy: Lambda (and the local machine) keep their clocks NTP-synced well within a second. */
export const DEFAULT_ACCURACY_SECONDS = 1;
/** A nonce longer than this (content octets) is refused: clients send 8 to 32. */
const MAX_NONCE_OCTETS = 64;
/** A TimeStampReq is small (an imprint of at most 64 octets, a nonce, a policy); anything longer is not one. */
export const MAX_TIMESTAMP_REQUEST_BYTES = 8 * 1024;

/** PKIFailureInfo (RFC 3161 §2.4.2): the named bits a rejection may carry. */
const FAILURE_BITS = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
} as const;
export type TimestampFailure = keyof typeof FAILURE_BITS;

/** The request cannot be granted; `failure` is the PKIFailureInfo bit the rejection carries. */
export class TimestampRequestInvalidError extends Error {
  override readonly name = 'TimestampRequestInvalidError';

  constructor(readonly failure: TimestampFailure, message: string) {
    super(message);
  }
}

export interface TimestampAuthorityDeps {
  /** The TSA key (its own KMS key, not the CA's). */
  signer: CaSigner;
  /** DER of the TSA certificate (issued by the CA for the signer's key, EKU timeStamping). */
  certificate: Uint8Array;
  /** DER of the CA certificate, sent along when a request asks for certificates. */
  caCertificate: Uint8Array;
  clock: Clock;
  /** The TSA policy OID every token names. */
  policyOid: string;
  /** The accuracy stated in each token, whole seconds (1 by default). */
  accuracySeconds?: number;
}

export interface TimestampInput {
  /** The hash of the data to timestamp (for a CMS signature: of its signature value). */
  digest: Uint8Array;
  algorithm: TimestampHashAlgorithm;
  /** Echoed in the token: a bigint, or the content octets of the request's INTEGER as sent. */
  nonce?: bigint | Uint8Array;
  /**
   * Whether the token carries the TSA and CA certificates (SignedData.certificates). RFC 3161
   * §2.4.1: present when asked for, absent otherwise. true unless said otherwise here (the signing
   * core embeds the token, and validators need the TSA certificate); respond() follows the request.
   */
  certReq?: boolean;
}

/** What a token says, as read back by parseTimestampToken. */
export interface TimestampTokenInfo {
  policy: string;
  serialNumber: string;
  genTime: Date;
  algorithm: TimestampHashAlgorithm | undefined;
  digest: Uint8Array;
  nonce: Uint8Array | undefined;
}

function algorithmIdentifier(oid: string): pkijs.AlgorithmIdentifier {
  // Parameters absent, as RFC 5754 (SHA-2) and RFC 5758 (ECDSA) ask.
  return new pkijs.AlgorithmIdentifier({ algorithmId: oid });
}

function berOf(value: { toBER(): ArrayBuffer }): Uint8Array {
  return new Uint8Array(value.toBER());
}

function asn1Of(der: Uint8Array): asn1js.AsnType {
  const parsed = asn1js.fromBER(toArrayBuffer(der));
  if (parsed.offset === -1) throw new DerError(parsed.result.error || 'Undecodable DER');
  return parsed.result;
}

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** An INTEGER's content octets must be minimal two's complement (DER). */
function minimalInteger(octets: Uint8Array): boolean {
  const [first, second] = octets;
  if (first === undefined) return false;
  return second === undefined || !((first === 0x00 && second < 0x80) || (first === 0xff && second >= 0x80));
}

function nonceInteger(nonce: bigint | Uint8Array): asn1js.Integer {
  if (typeof nonce === 'bigint') {
    const integer = asn1js.Integer.fromBigInt(nonce);
    if (integer.valueBlock.valueHexView.byteLength > MAX_NONCE_OCTETS) throw new TimestampRequestInvalidError('badDataFormat', `The nonce is longer than ${MAX_NONCE_OCTETS} octets`);
    return integer;
  }
  if (nonce.byteLength > MAX_NONCE_OCTETS) throw new TimestampRequestInvalidError('badDataFormat', `The nonce is longer than ${MAX_NONCE_OCTETS} octets`);
  if (!minimalInteger(nonce)) throw new TimestampRequestInvalidError('badDataFormat', 'The nonce is not a DER INTEGER');
  return new asn1js.Integer({ valueHex: toArrayBuffer(nonce) });
}

/** A named BIT STRING in DER: only the set bit, trailing zero bits dropped (X.690 §11.2.2). */
function failureInfo(failure: TimestampFailure): asn1js.BitString {
  const bit = FAILURE_BITS[failure];
  const octets = new Uint8Array(Math.floor(bit / 8) + 1);
  octets[octets.length - 1] = 0x80 >> (bit % 8);
  return new asn1js.BitString({ valueHex: toArrayBuffer(octets), unusedBits: 7 - (bit % 8) });
}

/** A TimeStampResp (DER) with status `rejection`, the failure bit and a reason for people. */
export function timestampRejection(failure: TimestampFailure, reason: string): Uint8Array {
  const status = new pkijs.PKIStatusInfo({
    status: pkijs.PKIStatus.rejection,
    statusStrings: [new asn1js.Utf8String({ value: reason })],
    failInfo: failureInfo(failure),
  });
  return berOf(new pkijs.TimeStampResp({ status }).toSchema());
}

/**
 * The TSA certificate's shape, checked once: KU digitalSignature and EKU timeStamping, critical
 * and alone (RFC 3161 §2.3), so a token is never signed under a certificate that cannot carry it.
 */
function checkTsaCertificate(certificate: pkijs.Certificate): void {
  const eku = certificate.extensions?.find((e) => e.extnID === ID_CE_EXT_KEY_USAGE);
  const purposes = eku?.parsedValue instanceof pkijs.ExtKeyUsage ? eku.parsedValue.keyPurposes : [];
  if (!eku?.critical || purposes.length !== 1 || purposes[0] !== ID_KP_TIME_STAMPING) {
    throw new Error('The TSA certificate must have the timeStamping EKU, critical and alone');
  }
  const keyUsage = certificate.extensions?.find((e) => e.extnID === ID_CE_KEY_USAGE);
  const bits = keyUsage?.parsedValue instanceof asn1js.BitString ? keyUsage.parsedValue.valueBlock.valueHexView : new Uint8Array();
  if (((bits[0] ?? 0) & 0x80) === 0) throw new Error('The TSA certificate must allow digitalSignature');
}

/**
 * Issues RFC 3161 timestamp tokens.
 * 1. TSTInfo: version 1, the TSA policy, the imprint, a random 128-bit serial, genTime from the
 *    clock (milliseconds), the accuracy, the nonce echoed, the TSA's name; ordering left at false.
 * 2. SignedData (CMS, RFC 5652): eContentType id-ct-TSTInfo, one signer named by issuer and
 *    serial, SHA-256; signed attributes contentType, signingTime, messageDigest and ESS
 *    signing-certificate-v2 (RFC 5035) naming the TSA certificate by hash and issuer/serial.
 * 3. The DER SET of the signed attributes is signed through the CaSigner (ECDSA P-256, SHA-256).
 */
export class TimestampAuthority {
  /** The TSA certificate (for `/pki/tsa.pem`, chains and the DSS). */
  readonly certificate: { der: Uint8Array; pem: string; serialNumber: string; subject: string; notBefore: string; notAfter: string };
  /** DER of the CA certificate above it. */
  readonly caCertificate: Uint8Array;
  readonly policyOid: string;
  readonly accuracySeconds: number;
  private readonly signer: CaSigner;
  private readonly clock: Clock;
  private readonly tsaCertificate: pkijs.Certificate;
  private readonly caCertificateObject: pkijs.Certificate;
  private readonly notBefore: Date;
  private readonly notAfter: Date;
  private readonly certificateKey: Buffer;
  private readonly signingCertificateV2: asn1js.AsnType;
  private signerChecked: Promise<void> | undefined;

  constructor(deps: TimestampAuthorityDeps) {
    if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(deps.policyOid)) throw new RangeError('policyOid must be a dotted OID');
    const accuracySeconds = deps.accuracySeconds ?? DEFAULT_ACCURACY_SECONDS;
    if (!Number.isInteger(accuracySeconds) || accuracySeconds < 1) throw new RangeError('accuracySeconds must be a positive integer');
    this.signer = deps.signer;
    this.clock = deps.clock;
    this.policyOid = deps.policyOid;
    this.accuracySeconds = accuracySeconds;
    this.caCertificate = new Uint8Array(deps.caCertificate);

    const der = new Uint8Array(deps.certificate);
    this.tsaCertificate = pkijs.Certificate.fromBER(toArrayBuffer(der));
    this.caCertificateObject = pkijs.Certificate.fromBER(toArrayBuffer(this.caCertificate));
    checkTsaCertificate(this.tsaCertificate);
    const x509 = new X509Certificate(der);
    const ca = new X509Certificate(this.caCertificate);
    if (!x509.checkIssued(ca) || !x509.verify(ca.publicKey)) throw new Error('The TSA certificate is not issued by the CA certificate');
    this.notBefore = this.tsaCertificate.notBefore.value;
    this.notAfter = this.tsaCertificate.notAfter.value;
    this.certificateKey = x509.publicKey.export({ type: 'spki', format: 'der' });
    this.certificate = {
      der,
      pem: toPem(der, 'CERTIFICATE'),
      serialNumber: hex(this.tsaCertificate.serialNumber.valueBlock.valueHexView),
      subject: formatName(AsnConvert.parse(der, Certificate).tbsCertificate.subject),
      notBefore: this.notBefore.toISOString(),
      notAfter: this.notAfter.toISOString(),
    };

    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 ::=
    // SEQUENCE { hashAlgorithm DEFAULT sha256 (so absent), certHash, issuerSerial }.
    const issuerSerial = new pkijs.IssuerSerial({
      issuer: new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: this.tsaCertificate.issuer })] }),
      serialNumber: this.tsaCertificate.serialNumber,
    });
    this.signingCertificateV2 = new asn1js.Sequence({
      value: [new asn1js.Sequence({
        value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(der)) }), issuerSerial.toSchema()] })],
      })],
    });
  }

  /**
   * A TimeStampToken (DER ContentInfo of SignedData) for this digest: what the signing core puts
   * in a signature's id-aa-signatureTimeStampToken. Throws TimestampRequestInvalidError for an
   * unsupported algorithm, a digest of the wrong length or an oversized nonce.
   */
  async timestamp(input: TimestampInput): Promise<Uint8Array> {
    const hash = HASHES[input.algorithm];
    if (!hash) throw new TimestampRequestInvalidError('badAlg', `Unsupported hash algorithm: ${String(input.algorithm)}`);
    if (!(input.digest instanceof Uint8Array) || input.digest.byteLength !== hash.length) {
      throw new TimestampRequestInvalidError('badDataFormat', `A ${input.algorithm} digest is ${hash.length} octets`);
    }
    const imprint = new pkijs.MessageImprint({
      hashAlgorithm: algorithmIdentifier(hash.oid),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(input.digest) }),
    });
    return this.issue(imprint, input.nonce === undefined ? undefined : nonceInteger(input.nonce), input.certReq ?? true);
  }

  /**
   * Answers a DER TimeStampReq with a DER TimeStampResp: `granted` with the token, or `rejection`
   * with a failure bit (badAlg, badRequest, badDataFormat, unacceptedPolicy, unacceptedExtension)
   * for a request it cannot grant. Bad input never throws.
   */
  async respond(requestDer: Uint8Array): Promise<Uint8Array> {
    let accepted: { imprint: pkijs.MessageImprint; nonce: asn1js.Integer | undefined; certReq: boolean };
    try {
      accepted = this.acceptRequest(requestDer);
    } catch (error) {
      if (error instanceof TimestampRequestInvalidError) return timestampRejection(error.failure, error.message);
      throw error;
    }
    const token = await this.issue(accepted.imprint, accepted.nonce, accepted.certReq);
    return berOf(new pkijs.TimeStampResp({
      status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }),
      timeStampToken: new pkijs.ContentInfo({ schema: asn1Of(token) }),
    }).toSchema());
  }

  private acceptRequest(requestDer: Uint8Array): { imprint: pkijs.MessageImprint; nonce: asn1js.Integer | undefined; certReq: boolean } {
    if (requestDer.byteLength > MAX_TIMESTAMP_REQUEST_BYTES) throw new TimestampRequestInvalidError('badDataFormat', 'The body is far larger than a TimeStampReq');
    let request: pkijs.TimeStampReq;
    try {
      readSingle(requestDer); // one DER element, nothing after it
      request = pkijs.TimeStampReq.fromBER(toArrayBuffer(requestDer));
    } catch {
      throw new TimestampRequestInvalidError('badDataFormat', 'The body is not a DER TimeStampReq');
    }
    if (request.version !== 1) throw new TimestampRequestInvalidError('badRequest', `Unsupported TimeStampReq version ${request.version}`);
    const algorithm = request.messageImprint.hashAlgorithm;
    const hash = HASH_BY_OID.get(algorithm.algorithmId);
    if (!hash) throw new TimestampRequestInvalidError('badAlg', `Unsupported hash algorithm ${algorithm.algorithmId}; use SHA-256, SHA-384 or SHA-512`);
    const parameters = algorithm.algorithmParams as asn1js.AsnType | undefined;
    if (parameters !== undefined && !(parameters instanceof asn1js.Null)) throw new TimestampRequestInvalidError('badAlg', 'Hash algorithm parameters must be absent or NULL');
    const digest = request.messageImprint.hashedMessage.valueBlock.valueHexView;
    if (digest.byteLength !== hash.length) throw new TimestampRequestInvalidError('badDataFormat', `A ${hash.name} digest is ${hash.length} octets`);
    if (request.reqPolicy !== undefined && request.reqPolicy !== this.policyOid) {
      throw new TimestampRequestInvalidError('unacceptedPolicy', `This TSA issues under policy ${this.policyOid} only`);
    }
    if (request.extensions?.length) throw new TimestampRequestInvalidError('unacceptedExtension', 'This TSA accepts no request extensions');
    let nonce: asn1js.Integer | undefined;
    if (request.nonce) {
      const octets = request.nonce.valueBlock.valueHexView;
      // Echoed exactly as sent (RFC 3161 §2.4.2), so it must be a DER INTEGER of a sane size.
      nonce = nonceInteger(new Uint8Array(octets));
    }
    return { imprint: request.messageImprint, nonce, certReq: request.certReq === true };
  }

  private async issue(imprint: pkijs.MessageImprint, nonce: asn1js.Integer | undefined, certReq: boolean): Promise<Uint8Array> {
    await this.checkSigner();
    const genTime = this.clock.now();
    if (!Number.isFinite(genTime.getTime())) throw new Error('The clock gave an invalid time');
    if (genTime < this.notBefore || genTime > this.notAfter) throw new Error(`The TSA certificate is not valid at ${genTime.toISOString()}`);

    const tstInfo = new pkijs.TSTInfo({
      version: 1,
      policy: this.policyOid,
      messageImprint: imprint,
      serialNumber: new asn1js.Integer({ valueHex: toArrayBuffer(newSerialNumber()) }),
      genTime,
      accuracy: new pkijs.Accuracy({ seconds: this.accuracySeconds }),
      // ordering: DEFAULT FALSE, so absent in DER.
      ...(nonce ? { nonce } : {}),
      tsa: new pkijs.GeneralName({ type: 4, value: this.tsaCertificate.subject }),
    });
    const tstInfoDer = berOf(tstInfo.toSchema());

    // DER orders a SET OF by the encodings; the signature covers that SET, and the [0] IMPLICIT
    // signedAttrs in the SignerInfo carries the very same attributes in the very same order.
    const attributes = [
      attribute(ID_CONTENT_TYPE, new asn1js.ObjectIdentifier({ value: ID_CT_TST_INFO })),
      attribute(ID_SIGNING_TIME, asn1Of(time(genTime))),
      attribute(ID_MESSAGE_DIGEST, new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(tstInfoDer)) })),
      attribute(ID_AA_SIGNING_CERTIFICATE_V2, this.signingCertificateV2),
    ]
      .map((value) => ({ value, der: Buffer.from(berOf(value.toSchema())) }))
      .sort((a, b) => Buffer.compare(a.der, b.der));
    const signedAttributesDer = tlv(0x31, attributes.map((a) => a.der));
    const signature = await this.signer.signSha256(signedAttributesDer);

    const signedData = new pkijs.SignedData({
      version: 3,
      digestAlgorithms: [algorithmIdentifier(ID_SHA256)],
      encapContentInfo: new pkijs.EncapsulatedContentInfo({
        eContentType: ID_CT_TST_INFO,
        eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(tstInfoDer) }),
      }),
      ...(certReq ? { certificates: [this.tsaCertificate, this.caCertificateObject] } : {}),
      signerInfos: [new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: this.tsaCertificate.issuer, serialNumber: this.tsaCertificate.serialNumber }),
        digestAlgorithm: algorithmIdentifier(ID_SHA256),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attributes.map((a) => a.value) }),
        signatureAlgorithm: algorithmIdentifier(ECDSA_WITH_SHA256),
        signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
      })],
    });
    return berOf(new pkijs.ContentInfo({ contentType: ID_SIGNED_DATA, content: signedData.toSchema() }).toSchema());
  }

  /** Once per instance (and before the first token): the signer's key must be the TSA certificate's key. */
  checkSigner(): Promise<void> {
    this.signerChecked ??= this.signer.publicKeySpki().then(
      (spki) => {
        const signerKey = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' });
        if (!signerKey.equals(this.certificateKey)) throw new Error('The TSA signer key does not match the TSA certificate');
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
 * Reads a TimeStampToken (DER ContentInfo) back: its TSTInfo fields. No signature check here
 * (that is the verifier's work); throws DerError when it is not a token.
 */
export function parseTimestampToken(token: Uint8Array): TimestampTokenInfo {
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(token));
    if (contentInfo.contentType !== ID_SIGNED_DATA) throw new DerError('Not a SignedData');
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    const { eContentType, eContent } = signedData.encapContentInfo;
    if (eContentType !== ID_CT_TST_INFO || !eContent) throw new DerError('Not a TSTInfo');
    const info = pkijs.TSTInfo.fromBER(toArrayBuffer(new Uint8Array(eContent.getValue())));
    return {
      policy: info.policy,
      serialNumber: hex(info.serialNumber.valueBlock.valueHexView),
      genTime: info.genTime,
      algorithm: HASH_BY_OID.get(info.messageImprint.hashAlgorithm.algorithmId)?.name,
      digest: new Uint8Array(info.messageImprint.hashedMessage.valueBlock.valueHexView),
      nonce: info.nonce ? new Uint8Array(info.nonce.valueBlock.valueHexView) : undefined,
    };
  } catch (error) {
    if (error instanceof DerError) throw error;
    throw new DerError(`Not a timestamp token: ${(error as Error).message}`);
  }
}
