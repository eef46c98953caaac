/**
 * The CA's private key never leaves its vault: callers hand it the bytes to sign (a TBS
 * certificate or CRL) and get back a DER-encoded ECDSA P-256/SHA-256 signature.
 * AWS: KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY); locally: a PKCS#8 key file.
 */
export interface CaSigner {
  signSha256(data: Uint8Array): Promise<Uint8Array>;
  /** The CA public key as DER SubjectPublicKeyInfo. */
  publicKeySpki(): Promise<Uint8Array>;
}
