/**
 * The single table, described once. The CDK stack and the local runtime both build the table
 * from this description, so the two can never drift apart.
 */
export const tableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'ttl',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export type IndexName = (typeof tableDesign.globalSecondaryIndexes)[number]['indexName'];

/** Key builders: the only place key strings are spelled. */
export const keys = {
  tenant: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'TENANT' }),
  apiKey: (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' }),
  /** An integrator key as its tenant lists it; the hash lookup item above is what authenticates. */
  tenantApiKey: (tenantId: string, keyId: string) => ({ pk: `TENANT#${tenantId}`, sk: `APIKEY#${keyId}` }),
  tenantPartition: (tenantId: string) => `TENANT#${tenantId}`,
  tenantApiKeyPrefix: 'APIKEY#',
  /** How many live integrator keys the tenant has: the limit is a condition on this counter (not under APIKEY#). */
  tenantApiKeyCount: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'APIKEYCOUNT' }),
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
  userPartition: (userId: string) => `USER#${userId}`,
  emailUnique: (email: string) => ({ pk: `EMAIL#${email}`, sk: 'UNIQUE' }),
  nikUnique: (nikIndex: string) => ({ pk: `NIK#${nikIndex}`, sk: 'UNIQUE' }),
  /** An e-mail domain's owner: one tenant per domain, claimed in the tenant's own transaction. */
  domainUnique: (domain: string) => ({ pk: `DOMAIN#${domain}`, sk: 'UNIQUE' }),
  photo: (userId: string, kind: string, photoId: string) => ({ pk: `USER#${userId}`, sk: `PHOTO#${kind}#${photoId}` }),
  token: (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' }),
  // A user's credential and devices share the ACCOUNT# prefix: one query reads them together.
  credential: (userId: string) => ({ pk: `USER#${userId}`, sk: 'ACCOUNT#CREDENTIAL' }),
  device: (userId: string, createdAt: string, deviceId: string) => ({ pk: `USER#${userId}`, sk: `ACCOUNT#DEVICE#${createdAt}#${deviceId}` }),
  /** When the self-service e-mails were last queued for the user (kept apart: a user may have no credential yet). */
  requestSlots: (userId: string) => ({ pk: `USER#${userId}`, sk: 'ACCOUNT#REQUESTS' }),
  accountPrefix: 'ACCOUNT#',
  devicePrefix: 'ACCOUNT#DEVICE#',
  deviceSetup: (userId: string, setupId: string) => ({ pk: `USER#${userId}`, sk: `DEVICESETUP#${setupId}` }),
  session: (sessionHash: string) => ({ pk: `SESSION#${sessionHash}`, sk: 'SESSION' }),
  /** Beside each session, in its user's partition: "end all sessions" reads these consistently. */
  userSession: (userId: string, sessionHash: string) => ({ pk: `USER#${userId}`, sk: `SESSION#${sessionHash}` }),
  userSessionPrefix: 'SESSION#',
  loginTicket: (ticketHash: string) => ({ pk: `LOGIN#${ticketHash}`, sk: 'TICKET' }),
  deviceRequest: (requestId: string) => ({ pk: `DEVICEREQ#${requestId}`, sk: 'DEVICEREQ' }),
  audit: (partition: string, at: string, id: string) => ({ pk: partition, sk: `AUDIT#${at}#${id}` }),
  auditPrefix: 'AUDIT#',
  /** Audit entries about something of the whole service (the price list), by what it is. */
  servicePartition: (name: string) => `SERVICE#${name}`,
  // Certificates are found by serial (OCSP, CRL, revocation): one consistent GetItem.
  certificate: (serialNumber: string) => ({ pk: `CERT#${serialNumber}`, sk: 'CERT' }),
  /** The user's one signing key (that of the current certificate). */
  signingKey: (userId: string) => ({ pk: `USER#${userId}`, sk: 'SIGNINGKEY' }),
  /** The CA's partition: its certificate, the CRL state and one entry per revoked certificate. */
  caCertificate: { pk: 'PKI#CA', sk: 'CERTIFICATE' },
  crlState: { pk: 'PKI#CA', sk: 'CRL' },
  revocation: (serialNumber: string) => ({ pk: 'PKI#CA', sk: `REVOKED#${serialNumber}` }),
  /** The TSA certificate of one TSA key (hex SHA-256 of its SubjectPublicKeyInfo): a new key gets a new certificate. */
  tsaCertificate: (keyHash: string) => ({ pk: 'PKI#CA', sk: `TSA#${keyHash}` }),
  tsaPrefix: 'TSA#',
  /** The service's seal certificate of one seal key (hex SHA-256 of its SubjectPublicKeyInfo), as the TSA's. */
  sealCertificate: (keyHash: string) => ({ pk: 'PKI#CA', sk: `SEAL#${keyHash}` }),
  sealPrefix: 'SEAL#',
  caPartition: 'PKI#CA',
  revocationPrefix: 'REVOKED#',
  outbox: (messageId: string) => ({ pk: `OUTBOX#${messageId}`, sk: 'OUTBOX' }),
  /**
   * What became of one e-mail sent to a user (subject, purpose, delivery state), in their partition:
   * the user's page reads the newest with one Query. Never the body or a link.
   */
  userEmail: (userId: string, createdAt: string, messageId: string) => ({ pk: `USER#${userId}`, sk: `EMAIL#${createdAt}#${messageId}` }),
  userEmailPrefix: 'EMAIL#',
  /** An address whose owner marked our mail as spam: nothing is sent to it until a verifier clears it. */
  emailBlock: (normalisedEmail: string) => ({ pk: `EMAILBLOCK#${normalisedEmail}`, sk: 'BLOCK' }),
  /**
   * An application that ended without an account, by when: the daily job deletes its photos once
   * the retention period has passed, reading the due ones with one Query.
   */
  closedApplication: (closedAt: string, userId: string) => ({ pk: 'CLOSED#APPLICATIONS', sk: `${closedAt}#${userId}` }),
  closedApplicationsPartition: 'CLOSED#APPLICATIONS',
  /** What a scheduled job needs to remember between runs (the last day it completed). */
  jobState: (job: string) => ({ pk: `JOB#${job}`, sk: 'STATE' }),
  /** One signing request's documents (its id is the idempotency key's hash when one was sent). */
  signingBatch: (batchId: string) => ({ pk: `SIGNING#${batchId}`, sk: 'BATCH' }),
  /** A tenant's count of one metered event on one WIB day; a day range of a tenant is one Query. */
  usage: (tenantId: string, day: string, event: string) => ({ pk: `USAGE#${tenantId}`, sk: `DAY#${day}#${event}` }),
  usagePartition: (tenantId: string) => `USAGE#${tenantId}`,
  usageDayPrefix: 'DAY#',
  usagePrefix: 'USAGE#',
  /** One version of the global price list, by the WIB day it takes effect (its audit entries: servicePartition('PRICE_LIST')). */
  priceVersion: (effectiveFrom: string) => ({ pk: 'PRICELIST', sk: `VERSION#${effectiveFrom}` }),
  priceListPartition: 'PRICELIST',
  priceVersionPrefix: 'VERSION#',
  /** A tenant's frozen statement of one past month (yyyy-mm), written once. */
  statement: (tenantId: string, period: string) => ({ pk: `TENANT#${tenantId}`, sk: `STATEMENT#${period}` }),
  /** One client's request counter in one window of a rate limit (the client is a hash, never an IP). */
  rateLimit: (scope: string, clientHash: string, windowStart: number) => ({ pk: `RATE#${scope}#${clientHash}`, sk: `WINDOW#${windowStart}` }),
  /** Every rate-limit counter's partition starts so: a function may be granted these items alone. */
  rateLimitPrefix: 'RATE#',
  /** A data change (Perubahan Data) request, by id. */
  dataChange: (requestId: string) => ({ pk: `DATACHANGE#${requestId}`, sk: 'DATACHANGE' }),
  /** The user's one pending data change: written with the request only if absent, so a second waits its turn. */
  pendingDataChange: (userId: string) => ({ pk: `USER#${userId}`, sk: 'DATACHANGE#PENDING' }),
  /** An agency's request letter (surat permohonan), by id; the users it covers carry the id. */
  requestLetter: (letterId: string) => ({ pk: `LETTER#${letterId}`, sk: 'LETTER' }),
} as const;

/** Secondary index keys, sparse: an item is in an index only while it carries these. */
export const indexKeys = {
  /** Verifier queue: a tenant's users in one listing (a status, or HELD), most recently changed last. */
  usersByStatus: (tenantId: string, status: string, updatedAt: string, userId: string) => ({
    gsi1pk: `TENANT#${tenantId}#STATUS#${status}`,
    gsi1sk: `${updatedAt}#${userId}`,
  }),
  /** All of a tenant's users, newest first when read backwards. */
  usersOfTenant: (tenantId: string, createdAt: string, userId: string) => ({
    gsi2pk: `TENANT#${tenantId}#USERS`,
    gsi2sk: `${createdAt}#${userId}`,
  }),
  /** The tenant's verifiers, to tell them of applications waiting. */
  verifiersOfTenant: (tenantId: string, userId: string) => ({ gsi2pk: `TENANT#${tenantId}#VERIFIERS`, gsi2sk: userId }),
  /** What a person signed (PDF and hash batches), oldest first: their personal-data export reads it. */
  signaturesOfUser: (userId: string, signedAt: string, batchId: string) => ({ gsi1pk: `USER#${userId}#SIGNING`, gsi1sk: `${signedAt}#${batchId}` }),
  /** A user's certificates, newest last. */
  certificatesOfUser: (userId: string, issuedAt: string, serialNumber: string) => ({ gsi1pk: `USER#${userId}#CERTS`, gsi1sk: `${issuedAt}#${serialNumber}` }),
  /**
   * Live certificates by the UTC day they expire on: the daily notice job reads one day at a time,
   * and a certificate leaves the index when it is revoked, renewed or expired.
   */
  certificatesExpiringOn: (day: string, serialNumber: string) => ({ gsi2pk: `EXPIRES#${day}`, gsi2sk: serialNumber }),
  /** Verifier queue of OTP-device and reset requests: a tenant's requests in one status, oldest first. */
  deviceRequestsByStatus: (tenantId: string, status: string, createdAt: string, requestId: string) => ({
    gsi1pk: `TENANT#${tenantId}#DEVICEREQ#${status}`,
    gsi1sk: `${createdAt}#${requestId}`,
  }),
  /** Every tenant, by id: the operator's list and the monthly statement run read this one partition. */
  tenants: (tenantId: string) => ({ gsi1pk: 'TENANTS', gsi1sk: tenantId }),
  /** Outbox messages not yet delivered, oldest first. */
  pendingOutbox: (createdAt: string, messageId: string) => ({ gsi1pk: 'OUTBOX#PENDING', gsi1sk: `${createdAt}#${messageId}` }),
  /** Verifier queue of data changes: a tenant's requests from one side (USER or VERIFIER) in one status, oldest first. */
  dataChangesByStatus: (tenantId: string, origin: string, status: string, createdAt: string, requestId: string) => ({
    gsi1pk: `TENANT#${tenantId}#DATACHANGE#${origin}#${status}`,
    gsi1sk: `${createdAt}#${requestId}`,
  }),
  /** A user's own data changes, newest last. */
  dataChangesOfUser: (userId: string, createdAt: string, requestId: string) => ({ gsi2pk: `USER#${userId}#DATACHANGES`, gsi2sk: `${createdAt}#${requestId}` }),
  /**
   * A tenant's audit trail by time, across its users' partitions and its own: every audit item
   * carries this (newest first when read backwards). Audit items carry no gsi1 keys and no ttl.
   */
  auditOfTenant: (tenantId: string, at: string, auditId: string) => ({ gsi2pk: `TENANT#${tenantId}#AUDIT`, gsi2sk: `${at}#${auditId}` }),
} as const;

export const pendingOutboxPartition = 'OUTBOX#PENDING';
