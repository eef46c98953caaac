/**
 * The agencies' rule for passwords and signing passphrases alike: at least 8 characters with an
 * upper-case letter, a lower-case letter, a digit and a special character; `[ ] ^ \` are not
 * allowed (some agency systems mangle them). 128 characters at most, so hashing stays bounded.
 */
export const CREDENTIAL_MIN_LENGTH = 8;
export const CREDENTIAL_MAX_LENGTH = 128;

const forbidden = /[[\]^\\]/;

/**
 * The policy as rules a person can tick off, in the order pages show them (the page script
 * imports the same list, so the checklist and the server never disagree).
 */
export const credentialRules: readonly { id: string; label: string; test: (value: string) => boolean }[] = [
  { id: 'length', label: `Minimal ${CREDENTIAL_MIN_LENGTH} karakter`, test: (value) => [...value].length >= CREDENTIAL_MIN_LENGTH && [...value].length <= CREDENTIAL_MAX_LENGTH },
  { id: 'upper', label: 'Huruf besar (A–Z)', test: (value) => /\p{Lu}/u.test(value) },
  { id: 'lower', label: 'Huruf kecil (a–z)', test: (value) => /\p{Ll}/u.test(value) },
  { id: 'digit', label: 'Angka (0–9)', test: (value) => /\p{Nd}/u.test(value) },
  { id: 'special', label: 'Karakter khusus, misalnya ! @ # $ % & *', test: (value) => /[^\p{L}\p{N}\s]/u.test(value) },
  { id: 'forbidden', label: 'Tanpa karakter [ ] ^ \\', test: (value) => !forbidden.test(value) },
];

export function meetsCredentialPolicy(value: string): boolean {
  // Control characters cannot be typed and usually mean a broken client.
  return credentialRules.every((rule) => rule.test(value)) && !/\p{Cc}/u.test(value);
}
