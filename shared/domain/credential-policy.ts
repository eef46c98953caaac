/**
 * The agencies' rule for passwords and signing passphrases alike: at least 8 characters with an
 * upper-case letter, a lower-case letter, a digit and a special character; `[ ] ^ \` are not
 * allowed (some agency systems mangle them). 128 characters at most, so hashing stays bounded.
 */
export const CREDENTIAL_MIN_LENGTH = 8;
export const CREDENTIAL_MAX_LENGTH = 128;

const forbidden = /[[\]^\\]/;

export function meetsCredentialPolicy(value: string): boolean {
  const length = [...value].length;
  return length >= CREDENTIAL_MIN_LENGTH
    && length <= CREDENTIAL_MAX_LENGTH
    && /\p{Lu}/u.test(value)
    && /\p{Ll}/u.test(value)
    && /\p{Nd}/u.test(value)
    && /[^\p{L}\p{N}\s]/u.test(value)
    && !forbidden.test(value)
    // Control characters cannot be typed and usually mean a broken client.
    && !/\p{Cc}/u.test(value);
}
