import { CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import {
  DkimIdentity, EasyDkimSigningKeyLength, EmailIdentity, Identity, MailFromBehaviorOnMxFailure, type IConfigurationSet,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailIdentityProps {
  /** The sending domain (mailFrom's domain). */
  domain: string;
  /** The custom MAIL FROM domain is `<mailFromSubdomain>.<domain>`. */
  mailFromSubdomain: string;
  /** Where DMARC aggregate reports go; empty: the suggested record asks for none. */
  dmarcReportEmail: string;
  configurationSet: IConfigurationSet;
}

/**
 * The SES domain identity mail is sent as: Easy DKIM with 2048-bit keys, a custom MAIL FROM
 * subdomain (so SPF aligns with the sender's domain, which DMARC checks) and the stage's
 * configuration set. The DNS records to create at the domain's DNS host are stack outputs:
 * the domain is the agency's (often under go.id), rarely in this account's Route 53.
 */
export class MailIdentity extends Construct {
  readonly identity: EmailIdentity;
  readonly mailFromDomain: string;
  /** Each record to publish: the output's logical id and its `name TYPE value` text. */
  readonly records: { id: string; text: string }[] = [];

  constructor(scope: Construct, id: string, props: MailIdentityProps) {
    super(scope, id);
    this.mailFromDomain = `${props.mailFromSubdomain}.${props.domain}`;
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: Identity.domain(props.domain),
      dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
      dkimSigning: true,
      mailFromDomain: this.mailFromDomain,
      // Until the MAIL FROM MX record exists, SES sends with its own MAIL FROM rather than refuse.
      mailFromBehaviorOnMxFailure: MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
      configurationSet: props.configurationSet,
    });
    const region = Stack.of(this).region;
    const record = (outputId: string, description: string, text: string) => {
      new CfnOutput(this, outputId, { description, value: text });
      this.records.push({ id: outputId, text });
    };
    this.identity.dkimRecords.forEach((dkim, index) => {
      record(`DkimRecord${index + 1}`, `DNS: Easy DKIM CNAME ${index + 1} of 3 for ${props.domain}`, Fn.join(' ', [dkim.name, 'CNAME', dkim.value]));
    });
    record('MailFromMxRecord', `DNS: MX of the MAIL FROM domain ${this.mailFromDomain}`, Fn.join('', [`${this.mailFromDomain} MX 10 feedback-smtp.`, region, '.amazonses.com']));
    record('MailFromSpfRecord', `DNS: SPF of the MAIL FROM domain ${this.mailFromDomain}`, `${this.mailFromDomain} TXT "v=spf1 include:amazonses.com ~all"`);
    const rua = props.dmarcReportEmail ? `; rua=mailto:${props.dmarcReportEmail}` : '';
    record('DmarcRecord', `DNS (suggested): DMARC for ${props.domain}; start with p=none to watch the reports if the domain sends mail elsewhere too`, `_dmarc.${props.domain} TXT "v=DMARC1; p=quarantine; adkim=r; aspf=r${rua}"`);
  }
}
