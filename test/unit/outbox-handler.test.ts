import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { createOutboxHandler, insertedMessageIds, type OutboxPorts } from '../../functions/outbox/handler.js';
import { createLogger } from '../../shared/logger.js';
import { messageComposer } from '../../shared/outbox.js';
import { ContextCheckingSealer, fixedClock, InMemoryOutbox, RecordingMailer, sequentialIds } from './support/outbox-fakes.js';

function streamRecord(eventName: DynamoDBRecord['eventName'], pk: string, sequenceNumber?: string): DynamoDBRecord {
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { pk: { S: pk }, sk: { S: 'OUTBOX' } }, ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}) },
  };
}

const streamEvent = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

describe('insertedMessageIds', () => {
  it.each([
    ['an inserted outbox message', streamRecord('INSERT', 'OUTBOX#msg-1', '100'), [{ messageId: 'msg-1', sequenceNumber: '100' }]],
    ['an outbox message being updated (claimed, sent)', streamRecord('MODIFY', 'OUTBOX#msg-1', '101'), []],
    ['an outbox message expiring', streamRecord('REMOVE', 'OUTBOX#msg-1', '102'), []],
    ['an inserted user', streamRecord('INSERT', 'USER#user-1', '103'), []],
    ['a key that only contains OUTBOX#', streamRecord('INSERT', 'TOKEN#OUTBOX#x', '104'), []],
    ['an insert without a sequence number', streamRecord('INSERT', 'OUTBOX#msg-2'), []],
  ])('for %s gives %j', (_label, record, expected) => {
    expect(insertedMessageIds(streamEvent(record))).toEqual(expected);
  });

  it('ignores records without keys', () => {
    expect(insertedMessageIds(streamEvent({ eventName: 'INSERT' }, { eventName: 'INSERT', dynamodb: {} }))).toEqual([]);
  });

  it('keeps the stream order', () => {
    const ids = insertedMessageIds(streamEvent(
      streamRecord('INSERT', 'OUTBOX#b', '1'),
      streamRecord('MODIFY', 'OUTBOX#x', '2'),
      streamRecord('INSERT', 'OUTBOX#a', '3'),
    ));
    expect(ids.map(({ messageId }) => messageId)).toEqual(['b', 'a']);
  });
});

describe('createOutboxHandler', () => {
  const clock = fixedClock();
  let outbox: InMemoryOutbox;
  let mailer: RecordingMailer;
  let ports: OutboxPorts;

  beforeEach(() => {
    outbox = new InMemoryOutbox();
    mailer = new RecordingMailer();
    const logger = createLogger('outbox-test');
    logger.setLogLevel('SILENT');
    ports = { outbox, mailer, sealer: new ContextCheckingSealer(), clock, logger, settings: { subjectPrefix: '[TTE]' } };
  });

  async function queue(...recipients: string[]): Promise<string[]> {
    const composer = messageComposer({ ids: sequentialIds('msg'), clock, sealer: ports.sealer });
    const ids: string[] = [];
    for (const to of recipients) {
      const message = await composer.compose(
        'activation', to, { fullName: 'Siti', tenantName: 'Dinas', expiresAt: '2026-11-23T03:00:00.000Z' }, { link: 'https://x/activate/t' },
      );
      outbox.add(message);
      ids.push(message.messageId);
    }
    return ids;
  }

  it('sends every inserted message and reports no failures', async () => {
    const [first, second] = await queue('a@x.go.id', 'b@x.go.id');
    const result = await createOutboxHandler(ports)(streamEvent(
      streamRecord('INSERT', `OUTBOX#${first}`, '100'),
      streamRecord('MODIFY', `OUTBOX#${first}`, '101'),
      streamRecord('INSERT', `OUTBOX#${second}`, '102'),
    ));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(mailer.messages.map(({ to }) => to)).toEqual(['a@x.go.id', 'b@x.go.id']);
  });

  it('reports the failing record by its sequence number and stops there', async () => {
    const [first, second, third] = await queue('a@x.go.id', 'b@x.go.id', 'c@x.go.id');
    mailer.failFor.set('b@x.go.id', new Error('MessageRejected'));

    const result = await createOutboxHandler(ports)(streamEvent(
      streamRecord('INSERT', `OUTBOX#${first}`, '100'),
      streamRecord('INSERT', `OUTBOX#${second}`, '200'),
      streamRecord('INSERT', `OUTBOX#${third}`, '300'),
    ));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(mailer.messages.map(({ to }) => to)).toEqual(['a@x.go.id']);
  });

  it('treats an already-sent message as done, not as a failure', async () => {
    const [first] = await queue('a@x.go.id');
    const handler = createOutboxHandler(ports);
    const event = streamEvent(streamRecord('INSERT', `OUTBOX#${first}`, '100'));

    await handler(event);
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [] });
    expect(mailer.messages).toHaveLength(1);
  });

  it('retried from the failed record, sends the rest without resending the earlier ones', async () => {
    const [first, second, third] = await queue('a@x.go.id', 'b@x.go.id', 'c@x.go.id');
    const handler = createOutboxHandler(ports);
    const records = [
      streamRecord('INSERT', `OUTBOX#${first}`, '100'),
      streamRecord('INSERT', `OUTBOX#${second}`, '200'),
      streamRecord('INSERT', `OUTBOX#${third}`, '300'),
    ];
    mailer.failFor.set('b@x.go.id', new Error('Throttling'));
    await handler(streamEvent(...records));

    mailer.failFor.clear();
    await expect(handler(streamEvent(...records.slice(1)))).resolves.toEqual({ batchItemFailures: [] });
    expect(mailer.messages.map(({ to }) => to)).toEqual(['a@x.go.id', 'b@x.go.id', 'c@x.go.id']);
  });
});
