import { AppError } from '../../../shared/domain/errors.js';
import { privacyPolicy } from '../../../shared/domain/privacy-policy.js';
import { hashToken, isWellFormedToken } from '../../../shared/domain/tokens.js';
import type { ActivationStore } from '../../../shared/ports/activation.js';
import type { UserDirectory } from '../../../shared/ports/users.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { ApprovalWorkflow } from '../../../shared/ports/workflow.js';
import { usableToken } from '../../../shared/links.js';
import { auditEntry } from '../../../shared/audit.js';

export interface PrivacyDeps {
  users: Pick<UserDirectory, 'findToken'>;
  activation: Pick<ActivationStore, 'markPrivacyPolicyViewed'>;
  clock: Clock;
  settings: { privacyMinReadSeconds: number };
}

/** Step: show the privacy policy. The first showing starts the minimum reading time. */
export async function viewPrivacyPolicy(deps: PrivacyDeps, input: { token: string }) {
  const now = deps.clock.now();
  const token = await usableToken(deps.users, input.token, 'activate', now);
  const viewedAt = await deps.activation.markPrivacyPolicyViewed(token, privacyPolicy.version, now.toISOString());
  return { text: privacyPolicy.text, version: privacyPolicy.version, viewedAt, minReadSeconds: deps.settings.privacyMinReadSeconds };
}

export interface SubmitDeps {
  users: Pick<UserDirectory, 'findToken' | 'findUser'>;
  activation: Pick<ActivationStore, 'submit'>;
  workflow: Pick<ApprovalWorkflow, 'start'>;
  clock: Clock;
  ids: IdGenerator;
  settings: { privacyMinReadSeconds: number };
}

/**
 * Submit the activation.
 * 1. In one guarded transaction: every step done, the policy shown long enough ago, consent
 *    recorded (version, time, source IP), the activation link consumed, the submission audited.
 * 2. The approval workflow starts, once: its execution is named after the user. A second submit
 *    gets TOKEN_USED; if the first crashed between 1 and 2, the second starts the workflow.
 */
export async function submitActivation(deps: SubmitDeps, input: { token: string; sourceIp: string }) {
  const now = deps.clock.now();
  const at = now.toISOString();
  let token;
  try {
    token = await usableToken(deps.users, input.token, 'activate', now);
    await deps.activation.submit(token, {
      consent: { version: privacyPolicy.version, acceptedAt: at, sourceIp: input.sourceIp },
      readBefore: new Date(now.getTime() - deps.settings.privacyMinReadSeconds * 1000).toISOString(),
      audit: auditEntry(deps, now, { actorId: token.userId, role: 'USER' }, 'ACTIVATION_SUBMITTED', token, { status: 'SUBMITTED' }),
    });
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'TOKEN_USED')) throw error;
    // Submitted before: make sure its workflow runs (starting twice is a no-op), and say so.
    const userId = await submittedUserOf(deps, input.token);
    if (userId) await deps.workflow.start(userId);
    throw new AppError('TOKEN_USED', [], {
      detail: {
        id: 'Aktivasi ini sudah dikirim dan sedang diverifikasi. Hasilnya akan dikirim ke e-mail Anda.',
        en: 'This activation was already submitted and is being verified. You will receive the result by e-mail.',
      },
    });
  }
  await deps.workflow.start(token.userId);
  return { status: 'SUBMITTED' as const };
}

/** The user behind a consumed link, if the link was consumed by their submission. */
async function submittedUserOf(deps: Pick<SubmitDeps, 'users'>, rawToken: string): Promise<string | undefined> {
  if (!isWellFormedToken(rawToken)) return undefined;
  const token = await deps.users.findToken(hashToken(rawToken));
  const user = token ? await deps.users.findUser(token.userId) : undefined;
  return user?.status === 'SUBMITTED' ? user.userId : undefined;
}
