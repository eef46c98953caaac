import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttemptLease } from '../../ports/attempts.js';

/**
 * The attempt lease kept on the item it guards (the signing key, the credential), as a map
 * attribute `{ leaseId, until }`: taking it and the subject's own conditions (not locked, the
 * same key) are then one conditional write, and so is settling it with the failure count.
 */
export interface LeaseSlot {
  db: DynamoDBDocumentClient;
  tableName: string;
  key: Record<string, string>;
  /** The item attribute holding the lease (one per kind of secret tried). */
  attribute: string;
}

/** A piece of an update: its expression parts and the names and values they use. */
export interface LeaseUpdate {
  set?: string[];
  add?: string[];
  /** Further condition of the update, besides holding the lease. */
  condition?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

// DynamoDB refuses names an expression does not use: each write names only what it uses.
const heldNames = (slot: LeaseSlot) => ({ '#lease': slot.attribute, '#leaseId': 'leaseId' });

/**
 * Takes the lease when none is live at `now` and `admits` holds; the item after the write, or
 * undefined when refused (the caller reads the item to say why).
 */
export async function takeLease(slot: LeaseSlot, lease: AttemptLease, now: Date, admits: LeaseUpdate): Promise<Record<string, unknown> | undefined> {
  try {
    const result = await slot.db.send(new UpdateCommand({
      TableName: slot.tableName,
      Key: slot.key,
      UpdateExpression: 'SET #lease = :lease',
      ConditionExpression: `(attribute_not_exists(#lease) OR #lease.#leaseUntil <= :leaseNow) AND ${admits.condition ?? 'attribute_exists(pk)'}`,
      ExpressionAttributeNames: { '#lease': slot.attribute, '#leaseUntil': 'until', ...admits.names },
      ExpressionAttributeValues: { ':lease': lease, ':leaseNow': now.toISOString(), ...admits.values },
      ReturnValues: 'ALL_NEW',
    }));
    return result.Attributes;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/**
 * Runs `update` and drops the lease in one write, only while this try holds the lease and
 * `update.condition` holds; the item after it, or undefined when either did not hold.
 */
export async function settleHolding(slot: LeaseSlot, leaseId: string, update: LeaseUpdate): Promise<Record<string, unknown> | undefined> {
  return conditionalUpdate(slot, {
    ...update,
    condition: `#lease.#leaseId = :leaseId${update.condition ? ` AND ${update.condition}` : ''}`,
    names: { ...heldNames(slot), ...update.names },
    values: { ':leaseId': leaseId, ...update.values },
  }, true);
}

/** The same update without the lease (the lease was lost): the item after it, or undefined when the condition failed. */
export async function updateWithoutLease(slot: LeaseSlot, update: LeaseUpdate): Promise<Record<string, unknown> | undefined> {
  return conditionalUpdate(slot, update, false);
}

async function conditionalUpdate(slot: LeaseSlot, update: LeaseUpdate, dropLease: boolean): Promise<Record<string, unknown> | undefined> {
  const parts = [
    update.set?.length ? `SET ${update.set.join(', ')}` : '',
    update.add?.length ? `ADD ${update.add.join(', ')}` : '',
    dropLease ? 'REMOVE #lease' : '',
  ].filter(Boolean);
  const values = update.values ?? {};
  try {
    const result = await slot.db.send(new UpdateCommand({
      TableName: slot.tableName,
      Key: slot.key,
      UpdateExpression: parts.join(' '),
      ...(update.condition ? { ConditionExpression: update.condition } : {}),
      ...(update.names && Object.keys(update.names).length ? { ExpressionAttributeNames: update.names } : {}),
      ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      ReturnValues: 'ALL_NEW',
    }));
    return result.Attributes ?? {};
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** The item as it is now (strongly consistent), to say why a take or a settle was refused. */
export async function readSlot(slot: LeaseSlot): Promise<Record<string, unknown> | undefined> {
  const result = await slot.db.send(new GetCommand({ TableName: slot.tableName, Key: slot.key, ConsistentRead: true }));
  return result.Item;
}

/** The end of the live lease on this item at `now`, if one is live. */
export function liveLeaseUntil(item: Record<string, unknown>, attribute: string, now: Date): string | undefined {
  const lease = item[attribute] as AttemptLease | undefined;
  return lease && lease.until > now.toISOString() ? lease.until : undefined;
}

export function holdsLease(item: Record<string, unknown> | undefined, attribute: string, leaseId: string): boolean {
  return (item?.[attribute] as AttemptLease | undefined)?.leaseId === leaseId;
}
