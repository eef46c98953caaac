import * as z from 'zod';

/**
 * A deployment stage's settings, resolved from cdk.json once (infra/app.ts) and passed on typed:
 *   "tte:defaults"        every setting, for every stage;
 *   "tte:stages".<stage>  the settings that stage changes (an empty {} keeps the defaults);
 *   -c tte:<setting>=...  a one-off override on the command line, over both.
 * The stage itself comes from `-c stage=<name>` (dev when absent). A stage without a block is
 * refused: a mistyped `-c stage=prdo` must not deploy a new pair of stacks with the defaults.
 */

export const defaultStage = 'dev';

const positiveInt = z.coerce.number().int().positive();
/** A CLI value is a string: a comma-separated list there, a JSON array in cdk.json. */
const emailList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value),
  z.array(z.email({ error: (issue) => `not an e-mail address: ${JSON.stringify(issue.input)}` })),
);
const httpsUrl = z.url({ protocol: /^https$/, error: (issue) => `not an https URL: ${JSON.stringify(issue.input)}` });
/** A CLI value is a string: "true"/"false" there, a JSON boolean in cdk.json. */
const flag = z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean());
const domainName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'not a lower-case domain name');

export const stageSettingsSchema = z.strictObject({
  webBaseUrl: httpsUrl,
  publicBaseUrl: httpsUrl,
  /** `Name <address>`: its domain must be a verified SES identity (mailDomain, or one made elsewhere). */
  mailFrom: z.string().regex(/^[^<>]*<[^@\s<>]+@[^@\s<>]+>$|^[^@\s<>]+@[^@\s<>]+$/, 'not "Name <address>" or an address'),
  /** The SES domain identity this stage creates (Easy DKIM, MAIL FROM); empty: one managed elsewhere. */
  mailDomain: z.union([z.literal(''), domainName]),
  /** The custom MAIL FROM is `<mailFromSubdomain>.<mailDomain>`. */
  mailFromSubdomain: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'not a DNS label'),
  /** Where DMARC aggregate reports go (the suggested DMARC record's rua); empty: none. */
  dmarcReportEmail: z.union([z.literal(''), z.email({ error: (issue) => `not an e-mail address: ${JSON.stringify(issue.input)}` })]),
  /** An existing SES configuration set; the stack creates one when empty. */
  sesConfigurationSet: z.string(),
  emailSubjectPrefix: z.string(),
  /** Who the alarms e-mail (SNS subscriptions, each confirmed from its inbox); none: nobody. */
  alarmEmails: emailList,
  /** The AWS Budgets monthly cost budget, USD: the alarm topic hears when actual cost crosses it. */
  monthlyBudgetUsd: z.coerce.number().positive(),
  /** How long AWS Backup keeps the daily backups of the table and the photo bucket. */
  backupRetentionDays: positiveInt,
  photoRetentionDays: positiveInt,
  closedApplicationPhotoDays: positiveInt,
  erasedNikClaimDays: positiveInt,
  approvalTimeoutDays: positiveInt,
  registryUrl: httpsUrl,
  serviceName: z.string().min(1),
  sessionIdleMinutes: positiveInt,
  sessionMaxHours: positiveInt,
  certificatePolicyOid: z.string().regex(/^\d+(\.\d+)+$/, 'not an OID'),
  certificateValidityDays: positiveInt,
  caCommonName: z.string().min(1),
  caOrganizationName: z.string().min(1),
  /** The TSA certificate's CN; the functions' default when empty. */
  tsaCommonName: z.string(),
  /**
   * A WAF web ACL on the API stage ($5 a month plus $1 a rule): the managed common rule set, a
   * per-IP limit for everything and per-path limits (PDF verification, the PKI's signing routes).
   * Without it only the functions' own per-client limits and the stage throttle stand (see
   * docs/security.md §4.2); keep it on wherever the public can reach the API.
   */
  waf: flag,
  /** Per-IP requests per five minutes on each of /pki/ocsp, /pki/ocsp/{request} and /pki/tsa at the WAF. */
  pkiWafLimitPerFiveMinutes: z.coerce.number().int().min(100, 'WAF rate limits start at 100').max(2_000_000_000),
  /** The CloudWatch dashboard ($3 a month beyond the account's first three): the alarms exist either way. */
  dashboard: flag,
});

export type StageSettings = z.infer<typeof stageSettingsSchema>;
export type StageSettingName = keyof StageSettings;
export const stageSettingNames = Object.keys(stageSettingsSchema.shape) as StageSettingName[];

export interface ResolvedStage {
  stage: string;
  settings: StageSettings;
}

/** Stage names go into stack names and physical names (`Tte-<stage>-…`, `tte-<stage>-…`). */
const stageName = /^[a-z][a-z0-9-]{0,19}$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The settings of `stage` from a CDK context reader (app.node.tryGetContext). Fails with a message
 * that names the stage, the setting and what is wrong, before any construct is made.
 */
export function resolveStage(context: (key: string) => unknown, stage: string): ResolvedStage {
  if (!stageName.test(stage)) {
    throw new Error(`Stage "${stage}" is not a valid stage name: lower-case letters, digits and '-', starting with a letter, at most 20 characters`);
  }
  const defaults = context('tte:defaults');
  const stages = context('tte:stages');
  if (!isRecord(defaults)) throw new Error('cdk.json context has no "tte:defaults" object');
  if (!isRecord(stages)) throw new Error('cdk.json context has no "tte:stages" object');
  const block = stages[stage];
  if (!isRecord(block)) {
    throw new Error(`Stage "${stage}" has no configuration block: add "tte:stages"."${stage}" to cdk.json (an empty {} keeps "tte:defaults"); known stages: ${Object.keys(stages).join(', ') || 'none'}`);
  }
  const overrides = Object.fromEntries(stageSettingNames.flatMap((name) => {
    const value = context(`tte:${name}`);
    return value === undefined ? [] : [[name, value]];
  }));
  const parsed = stageSettingsSchema.safeParse({ ...defaults, ...block, ...overrides });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const setting = issue.path.length > 0 ? issue.path.join('.') : '(block)';
      return issue.code === 'unrecognized_keys' ? `unknown setting(s) ${issue.keys.join(', ')}` : `${setting}: ${issue.message}`;
    });
    throw new Error(`Stage "${stage}" has invalid settings (cdk.json "tte:defaults" + "tte:stages"."${stage}" + -c tte:*):\n  ${problems.join('\n  ')}`);
  }
  const settings = parsed.data;
  if (settings.mailDomain) {
    const senderDomain = /@([^>\s]+)>?$/.exec(settings.mailFrom)?.[1];
    if (senderDomain !== settings.mailDomain) {
      throw new Error(`Stage "${stage}": mailFrom's domain (${senderDomain ?? 'none'}) must be mailDomain (${settings.mailDomain}), the identity the outbox may send as`);
    }
  }
  return { stage, settings };
}

/** The stage a CDK app was asked for: `-c stage=<name>` (or the older `-c tte:stage=<name>`), else dev. */
export function requestedStage(context: (key: string) => unknown): string {
  const value = context('stage') ?? context('tte:stage');
  return value === undefined || value === null || value === '' ? defaultStage : String(value);
}
