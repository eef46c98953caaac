/** Time and identity as ports, so use cases are deterministic under test. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: IdGenerator = { newId: () => crypto.randomUUID() };
