import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { DynamoDBDocumentClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-vitest/extend';
import { expect } from 'vitest';

/** Reading the one TransactWriteItems an adapter sent, item by item and by key. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export function sentItems(dynamo: AwsStub<ServiceInputTypes, ServiceOutputTypes, DynamoDBDocumentClientResolvedConfig>): TransactItem[] {
  expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  return (dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input as TransactWriteCommandInput).TransactItems ?? [];
}
export const keyOf = (item: TransactItem) => item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key ?? {};
export const pk = (item: TransactItem) => String(keyOf(item).pk);
export const sk = (item: TransactItem) => String(keyOf(item).sk);
export const findItem = (items: TransactItem[], pk: string, sk: string) => {
  const found = items.filter((item) => keyOf(item).pk === pk && keyOf(item).sk === sk);
  expect(found, `one item ${pk} ${sk}`).toHaveLength(1);
  return found[0]!;
};
