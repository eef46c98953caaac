import { credentialRules } from '../../shared/domain/credential-policy.js';
import { html } from '../../shared/web/html.js';
import { textField, type FormState } from './forms.js';

/**
 * A new password or passphrase with the policy shown as a checklist (ticked off as one types when
 * the page script runs) and its confirmation. Nothing typed is ever sent back to the browser.
 */
export function newSecretFields(options: {
  name: string; confirmationName: string; label: string; confirmationLabel: string; state: FormState; autocomplete: 'new-password';
}) {
  const listId = `policy-${options.name}`;
  return html`${textField({
    name: options.name, label: options.label, type: 'password', autocomplete: options.autocomplete, state: options.state,
    hint: html`Harus memenuhi semua ketentuan berikut:<ul class="checklist" id="${listId}">${credentialRules.map((rule) => html`<li data-rule="${rule.id}">${rule.label} <span class="visually-hidden rule-state"></span></li>`)}</ul>`,
    data: { 'policy-checklist': listId },
  })}
${textField({ name: options.confirmationName, label: options.confirmationLabel, type: 'password', autocomplete: options.autocomplete, state: options.state })}`;
}
