import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../shared/adapters/aws/ses-mailer.js';

const ses = mockClient(SESClient);
const FROM = 'TTE Sulteng <no-reply@tte.sultengprov.go.id>';
const message = {
  to: 'siti@sultengprov.go.id',
  subject: '[TTE] Aktivasi Akun – Siti Aminah',
  text: 'Yth. Siti Aminah,\n\nTautan: https://tte.example/activate/abc',
  html: '<p>Yth. Siti Aminah,</p>',
};

beforeEach(() => ses.reset());

describe('SesMailer', () => {
  it('sends one e-mail from the configured sender to the recipient, all parts in UTF-8', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-msg-1' });
    const result = await new SesMailer(new SESClient({}), FROM).send(message);

    expect(result).toEqual({ providerMessageId: 'ses-msg-1' });
    expect(ses).toHaveReceivedCommandExactlyOnceWith(SendEmailCommand, {
      Source: FROM,
      Destination: { ToAddresses: ['siti@sultengprov.go.id'] },
      Message: {
        Subject: { Data: message.subject, Charset: 'UTF-8' },
        Body: {
          Text: { Data: message.text, Charset: 'UTF-8' },
          Html: { Data: message.html, Charset: 'UTF-8' },
        },
      },
    });
  });

  it.each([
    ['with a configuration set', 'tte-events', 'tte-events'],
    ['without one', undefined, undefined],
    ['with an empty one', '', undefined],
  ])('names the configuration set only when given (%s)', async (_label, configurationSet, expected) => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-msg-1' });
    await new SesMailer(new SESClient({}), FROM, configurationSet).send(message);
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.ConfigurationSetName).toBe(expected);
    expect(input !== undefined && 'ConfigurationSetName' in input).toBe(expected !== undefined);
  });

  it('reports a rejection by SES as a failure', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    await expect(new SesMailer(new SESClient({}), FROM).send(message)).rejects.toThrow('Email address is not verified.');
  });
});
