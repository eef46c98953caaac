import { credentialRules } from '../../../shared/domain/credential-policy.js';

/** Ticks off the password or passphrase rules as the person types (the list is in the page already). */
export function enhancePolicyChecklists(): void {
  for (const input of document.querySelectorAll<HTMLInputElement>('input[data-policy-checklist]')) {
    const list = document.getElementById(input.dataset.policyChecklist ?? '');
    if (!list) continue;
    const update = () => {
      for (const rule of credentialRules) {
        const item = list.querySelector<HTMLElement>(`[data-rule="${rule.id}"]`);
        if (!item) continue;
        const met = rule.test(input.value);
        item.classList.toggle('met', met);
        const state = item.querySelector<HTMLElement>('.rule-state');
        if (state) state.textContent = met ? 'terpenuhi' : 'belum';
      }
    };
    input.addEventListener('input', update);
    update();
  }
}
