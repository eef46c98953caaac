import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, type DeleteCommand, type DynamoDBDocumentClient, type PutCommand, type QueryCommandInput, type UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../../domain/errors.js';

const keyAttributes = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'ttl'] as const;

/** The record without the table's storage keys. */
export function fromItem<T>(item: Record<string, unknown>): T {
  const record: Record<string, unknown> = { ...item };
  for (const key of keyAttributes) delete record[key];
  return record as T;
}

export function epochSeconds(iso: string): number {
  return Math.floor(new Date(iso).getTime() / 1000);
}

/**
 * Page cursors are the last evaluated key, opaque to callers. A cursor is only accepted for the
 * partition it came from, so a forged one can neither read elsewhere nor make DynamoDB fail.
 */
export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | null {
  return lastKey ? Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined, expected: { attribute: string; value: string; keys: readonly string[] }) {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const entries = Object.entries(parsed);
      const wellFormed = entries.length === expected.keys.length
        && entries.every(([name, value]) => expected.keys.includes(name) && typeof value === 'string' && value.length > 0 && value.length < 512);
      if (wellFormed && (parsed as Record<string, string>)[expected.attribute] === expected.value) {
        return parsed as Record<string, string>;
      }
    }
  } catch {
    // fall through: not base64url JSON
  }
  throw new AppError('VALIDATION_FAILED', [{ field: 'cursor', code: 'CURSOR_INVALID' }]);
}

/**
 * Why a transaction was cancelled, by position of its items: the reason code and, where the item
 * asked for it (ReturnValuesOnConditionCheckFailure), the stored item. Undefined for other errors.
 */
export function cancellationReasons<T = Record<string, unknown>>(error: unknown): { code?: string; failed: boolean; item?: T }[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => ({
    ...(reason.Code ? { code: reason.Code } : {}),
    failed: reason.Code === 'ConditionalCheckFailed',
    ...(reason.Item ? { item: unmarshall(reason.Item) as T } : {}),
  }));
}

/** The cancellation reason codes of a failed transaction, by position of its items. */
export function cancellationCodes(error: unknown): (string | undefined)[] | undefined {
  return cancellationReasons(error)?.map((reason) => reason.code);
}

/**
 * Runs a transaction, retrying while DynamoDB reports a conflict with another transaction in
 * flight (that one may still fail, so ours must be tried again before we say who won).
 */
export async function withConflictRetry<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const codes = cancellationCodes(error);
      // A transaction cancelled because the table was busy (throttled) wrote nothing either: the SDK
      // does not retry a cancellation, so it is tried again here like a conflict.
      const conflicted = codes?.some((code) => code !== undefined && busyCancellationCodes.has(code)) && !codes.includes('ConditionalCheckFailed');
      if (!conflicted || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt + Math.random() * 20));
    }
  }
}

/** Cancellation reasons that say nothing about the items: another transaction or the table's capacity was in the way. */
const busyCancellationCodes = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** A transaction still cancelled only for capacity after its retries: the service is busy (503), not in conflict. */
export function cancelledForCapacity(reasons: { code?: string; failed: boolean }[]): boolean {
  return reasons.some((reason) => reason.code === 'ThrottlingError' || reason.code === 'ProvisionedThroughputExceeded') && !reasons.some((reason) => reason.failed);
}

export type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/**
 * One transaction, retried on conflicts with others in flight. When a condition fails, `explain`
 * turns the cancellation reasons (by item position) into the caller's error; otherwise CONFLICT.
 */
export async function transactWrite(
  db: DynamoDBDocumentClient,
  name: string,
  items: TransactItems,
  explain: (reasons: { code?: string; failed: boolean; item?: Record<string, unknown> }[]) => AppError | undefined = () => undefined,
): Promise<void> {
  try {
    await withConflictRetry(() => db.send(new TransactWriteCommand({ TransactItems: items })));
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (!reasons) throw error;
    if (cancelledForCapacity(reasons)) throw new AppError('SERVICE_UNAVAILABLE');
    throw explain(reasons) ?? new AppError('CONFLICT', [], { internal: `${name} transaction cancelled: ${reasons.map((r) => r.code).join(',')}` });
  }
}

/**
 * The items of one transaction, each with the error its condition means when it fails, so a
 * cancelled transaction is explained by the first item that failed (CONFLICT when none says).
 */
export function guardedItems() {
  const items: TransactItems = [];
  const errors: (AppError | undefined)[] = [];
  return {
    items,
    add(item: TransactItems[number], error?: AppError) {
      items.push(item);
      errors.push(error);
    },
    explain(reasons: { failed: boolean }[]): AppError | undefined {
      const failed = reasons.findIndex((reason) => reason.failed);
      return failed >= 0 ? errors[failed] : undefined;
    },
  };
}

/**
 * The optimistic-lock condition of a record put whole: it exists with the version before
 * `nextVersion` and, when statuses are given, is still in one of them.
 */
export function versionGuard(nextVersion: number, fromStatuses: readonly string[] = []) {
  const statusValues = Object.fromEntries(fromStatuses.map((status, index) => [`:from${index}`, status]));
  const statusCondition = fromStatuses.length ? ` AND #status IN (${Object.keys(statusValues).join(', ')})` : '';
  return {
    ConditionExpression: `attribute_exists(pk) AND #version = :previous${statusCondition}`,
    ExpressionAttributeNames: { '#version': 'version', ...(statusCondition ? { '#status': 'status' } : {}) },
    ExpressionAttributeValues: { ':previous': nextVersion - 1, ...statusValues },
  };
}

/** Sends a conditional write; false when its condition did not hold (someone else got there first). */
export async function ifConditionHolds(db: DynamoDBDocumentClient, command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
  try {
    await db.send(command as UpdateCommand);
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Every item of a Query, page after page (for partitions whose size the caller bounds). */
export async function queryAll<T>(db: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<T[]> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []).map((item) => fromItem<T>(item)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
