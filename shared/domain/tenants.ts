/** Rules about tenants (the paying agencies), independent of storage and transport. */

export const tenantStatuses = ['ACTIVE', 'SUSPENDED'] as const;
export type TenantStatus = (typeof tenantStatuses)[number];

/**
 * Whether people may apply on their own with an address in the tenant's domains (API.md
 * "Self-service"): CLOSED (the default), OPEN (the activation link goes out at once), or REVIEW
 * (a verifier confirms each application before its link goes out).
 */
export const selfApplicationModes = ['CLOSED', 'OPEN', 'REVIEW'] as const;
export type SelfApplicationMode = (typeof selfApplicationModes)[number];

/** How the tenant's people reach a verifier, shown on the help and error pages. */
export interface VerifierContact {
  name: string;
  phone?: string;
  email?: string;
}

/** A tenant lists at most this many verifier contacts. */
export const MAX_VERIFIER_CONTACTS = 5;

/** A tenant names at most this many agencies as the civil-service registry names them. */
export const MAX_REGISTRY_AGENCIES = 10;

/**
 * An agency name as compared with the registry's `agency` field: accents, case, punctuation and
 * spacing aside ("Pemerintah  Kabupaten Contoh" is "PEMERINTAH KABUPATEN CONTOH"); digits count.
 */
export function comparableAgency(agency: string): string {
  return agency.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * A tenant lists at most this many e-mail domains. Each one is a uniqueness item written in the
 * tenant's own transaction, and DynamoDB takes at most 100 items in one (a change may claim the
 * new list and release the old one together).
 */
export const MAX_EMAIL_DOMAINS = 20;

// Host names as DNS has them: labels of letters, digits and inner hyphens, at most 63 characters,
// and a top-level label of letters. No wildcards, no trailing dot, no IP addresses.
const domainLabel = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const topLevelLabel = /^[a-z]{2,63}$/;

export function normaliseDomain(domain: string): string {
  return domain.trim().toLowerCase();
}

/** An e-mail domain a tenant may own, e.g. `sultengprov.go.id` (already normalised). */
export function isValidEmailDomain(domain: string): boolean {
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((label) => domainLabel.test(label)) && topLevelLabel.test(labels.at(-1)!);
}

/**
 * Tenants written before suspension existed carry no status: they are active. A missing tenant is
 * not suspended either (the caller's own checks answer for it).
 */
export function isSuspended(tenant: { status?: TenantStatus } | undefined): boolean {
  return tenant?.status === 'SUSPENDED';
}
