/** Rules about the people the service registers, independent of storage and transport. */

export const userStatuses = [
  'INVITED', 'ACTIVATING', 'SUBMITTED', 'AWAITING_REVIEW', 'APPROVED', 'ACTIVE', 'REJECTED', 'EXPIRED', 'DISABLED', 'ERASED',
] as const;
export type UserStatus = (typeof userStatuses)[number];

/**
 * A list of its own besides the statuses: self-applications held for a verifier's confirmation.
 * Their status is INVITED, but nobody was invited yet, so they are listed here and not there.
 */
export const HELD_APPLICATIONS = 'HELD';
export const userListings = [...userStatuses, HELD_APPLICATIONS] as const;
export type UserListing = (typeof userListings)[number];

/** The list a user is in: their status, or the held self-applications. */
export function listingOf(user: { status: UserStatus; selfApplication?: { awaitingConfirmation?: true } }): UserListing {
  return user.status === 'INVITED' && user.selfApplication?.awaitingConfirmation ? HELD_APPLICATIONS : user.status;
}

export const roles = ['OPERATOR', 'VERIFIER', 'INTEGRATOR', 'USER'] as const;
export type Role = (typeof roles)[number];

// Letters of any script (with their combining marks) in words separated by single spaces:
// this is what stands on a KTP, and it keeps out digits, titles ("Dr.", "S.Kom") and punctuation.
const personNamePattern = /^\p{L}\p{M}*(?:\p{L}\p{M}*)*(?: \p{L}\p{M}*(?:\p{L}\p{M}*)*)*$/u;

export function isValidPersonName(name: string): boolean {
  const length = [...name].length;
  return length >= 2 && length <= 100 && personNamePattern.test(name);
}

/** Collapses the spacing people type by accident; the result still has to pass the name rule. */
export function tidyPersonName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ');
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** Official addresses only: the domain must be one the tenant lists, exactly. */
export function isEmailInDomains(email: string, domains: readonly string[]): boolean {
  const domain = emailDomain(normaliseEmail(email));
  return domains.some((allowed) => allowed.toLowerCase() === domain);
}

/**
 * Indonesian mobile numbers as people write them (0812…, 62812…, +62 812-…), normalised to
 * E.164 (+62…). Returns undefined for anything that is not a mobile number.
 */
export function normaliseIndonesianMobile(phone: string): string | undefined {
  const compact = phone.replace(/[\s\-().]/g, '');
  const national = /^(?:\+62|62|0)(8\d+)$/.exec(compact)?.[1];
  if (!national || !/^8[1-9]\d{7,10}$/.test(national)) return undefined;
  return `+62${national}`;
}
