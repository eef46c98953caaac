import { hash, verify, type Algorithm } from '@node-rs/argon2';
import type { PasswordHasher } from '../ports/passwords.js';

// Algorithm is an ambient const enum (not importable as a value here): 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/**
 * argon2id at 64 MiB, 2 passes, 1 lane: about 100 ms per check on one Lambda vCPU, a deliberate
 * cost that makes guessing slow while a login stays quick. Hashes carry their parameters, so
 * raising them later still verifies older hashes.
 */
export const argon2Parameters = { algorithm: ARGON2ID, memoryCost: 65_536, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Parameters);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  // A malformed stored hash is a wrong password, not a crash.
  return verify(passwordHash, password).catch(() => false);
}

export const argon2Hasher: PasswordHasher = { hash: hashPassword, verify: verifyPassword };
