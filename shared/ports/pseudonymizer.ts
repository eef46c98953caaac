/**
 * A keyed one-way index of personal numbers (NIK): equal inputs give equal indexes, so
 * uniqueness can be enforced without storing the number. AWS: KMS HMAC key (GenerateMac);
 * locally: an HMAC key file.
 */
export interface Pseudonymizer {
  index(value: string, purpose: string): Promise<string>;
}
