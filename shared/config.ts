import * as z from 'zod';

/**
 * Runtime configuration, read once at cold start. A missing or bad variable fails fast with its
 * name, so a misconfigured deployment never half-works.
 */
const configSchema = z.object({
  TABLE_NAME: z.string().min(1),
  WEB_BASE_URL: z.url(),
  EMAIL_SUBJECT_PREFIX: z.string().default('[TTE]'),
  MAIL_FROM: z.string().min(3).default('TTE <no-reply@tte.local>'),
  SES_CONFIGURATION_SET: z.string().optional(),
  SEALING_KEY_ID: z.string().min(1).optional(),
  PHOTO_BUCKET: z.string().min(1).optional(),
  CA_KEY_ID: z.string().min(1).optional(),
  APPROVAL_STATE_MACHINE_ARN: z.string().min(1).optional(),
  PSEUDONYM_KEY_ID: z.string().min(1).optional(),
  REGISTRY_URL: z.url().optional(),
  REGISTRY_SECRET_ARN: z.string().min(1).optional(),
  ACTIVATION_LINK_HOURS: z.coerce.number().int().positive().default(24),
  PRIVACY_MIN_READ_SECONDS: z.coerce.number().int().nonnegative().default(60),
  /** The name authenticator apps show beside the account (the otpauth issuer). */
  SERVICE_NAME: z.string().min(1).max(60).default('TTE'),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  SESSION_MAX_HOURS: z.coerce.number().int().positive().default(8),
  /** The web pages: the API context functions they call, as JSON {context: function name}. */
  CONTEXT_FUNCTIONS: z.string().min(2).optional(),
  /** The web pages: the origin photo uploads go to (the photo bucket's S3 endpoint), for the CSP. */
  PHOTO_UPLOAD_ORIGIN: z.url().optional(),
  /** Where the public PKI endpoints are reached (CRL, OCSP and CA URLs inside certificates). */
  PUBLIC_BASE_URL: z.url().optional(),
  /** Signed PDFs, kept a day. */
  DOCUMENTS_BUCKET: z.string().min(1).optional(),
  /** The bucket the CA publishes its CRLs to. */
  PKI_BUCKET: z.string().min(1).optional(),
  /** The KMS key whose data keys wrap users' signing keys. */
  KEY_WRAPPING_KEY_ID: z.string().min(1).optional(),
  /**
   * The certificate policy OID. The default sits under the 2.25 UUID arc (ITU-T X.667), unique
   * without registration; a Diskominfo with its own arc sets its own.
   */
  CERTIFICATE_POLICY_OID: z.string().regex(/^[0-2](\.\d+)+$/).default('2.25.8403828355466524670575100288405461004'),
  CERTIFICATE_VALIDITY_DAYS: z.coerce.number().int().min(1).max(3650).default(730),
  CA_COMMON_NAME: z.string().min(1).max(64).default('TTE Root CA'),
  CA_ORGANIZATION_NAME: z.string().min(1).max(64).default('Dinas Komunikasi dan Informatika'),
  CA_VALIDITY_YEARS: z.coerce.number().int().min(1).max(30).default(20),
  /** The timestamp authority's own KMS key (ECC_NIST_P256, SIGN_VERIFY), apart from the CA key. */
  TSA_KEY_ID: z.string().min(1).optional(),
  /** The TSA policy of every timestamp token; by default an arc under the certificate policy (`<CERTIFICATE_POLICY_OID>.2`). */
  TSA_POLICY_OID: z.string().regex(/^[0-2](\.\d+)+$/).optional(),
  /** The TSA certificate's common name (its O is the CA's organisation). */
  TSA_COMMON_NAME: z.string().min(1).max(64).default('TTE Timestamp Authority'),
  /**
   * The service's electronic-seal KMS key (ECC_NIST_P256, SIGN_VERIFY), apart from the CA and TSA
   * keys: the signing function seals the service's own documents (the personal-data statement) with it.
   */
  SERVICE_SEAL_KEY_ID: z.string().min(1).optional(),
  /**
   * Public PDF verification, per client IP: this many requests per window. Verifying is the most
   * expensive public work (up to 6 MB parsed and hashed); 30 a minute is far beyond a person's use.
   */
  VERIFICATION_RATE_LIMIT: z.coerce.number().int().positive().default(30),
  VERIFICATION_RATE_WINDOW_SECONDS: z.coerce.number().int().positive().max(3600).default(60),
  /**
   * The public PKI routes that make a KMS signature (an OCSP answer not in the pki function's
   * cache, a timestamp), per client IP: this many per window. A relying party checks a handful
   * of certificates at a time and cached answers are not counted; the limit keeps a few addresses
   * from spending the account's KMS Sign quota that issuance and signing need.
   */
  PKI_RATE_LIMIT: z.coerce.number().int().positive().default(60),
  PKI_RATE_WINDOW_SECONDS: z.coerce.number().int().positive().max(3600).default(60),
  /**
   * After an erasure, how long the NIK's keyed-index claim is kept (it holds no NIK, only its
   * HMAC): meanwhile the same NIK cannot open a new account unnoticed; then it expires.
   */
  ERASED_NIK_CLAIM_DAYS: z.coerce.number().int().nonnegative().max(3650).default(365),
  /** Photos of rejected or expired applications are deleted this many days after the decision. */
  CLOSED_APPLICATION_PHOTO_DAYS: z.coerce.number().int().positive().max(3650).default(90),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Narrows an optional setting to required for the function that needs it, naming the variable. */
export function required<K extends keyof Config>(config: Config, name: K): NonNullable<Config[K]> {
  const value = config[name];
  if (value === undefined || value === null || value === '') {
    throw new ConfigError(`Invalid configuration: ${String(name)} is required by this function`);
  }
  return value as NonNullable<Config[K]>;
}
