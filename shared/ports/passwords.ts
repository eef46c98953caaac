/** Password hashing (argon2id); a port so use-case tests need not pay its deliberate cost. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
}
