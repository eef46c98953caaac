import { Logger } from '@aws-lambda-powertools/logger';

// Keys whose values never reach a log line, wherever they appear in a logged object.
const secretKey = /pass(word|phrase)|otp|token|secret|nik|api-?key|authorization|cookie|sealed|wrapped|private-?key|pkcs8/i;

/** A JSON replacer: whatever sits under a secret key (a value, an array, an object) is replaced whole. */
export function redactSecrets(key: string, value: unknown): unknown {
  if (key && secretKey.test(key) && value !== undefined && value !== null) return '[REDACTED]';
  return value;
}

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, jsonReplacerFn: redactSecrets });
}
