import { describe, expect, it } from 'vitest';
import { credentialRules } from '../../shared/domain/credential-policy.js';
import { errorCatalog } from '../../shared/domain/errors.js';
import type { Problem } from '../../functions/web/api.js';
import { emptyForm, errorSummary, formStateOf, otpField, textField, type FormState } from '../../functions/web/forms.js';
import { newSecretFields } from '../../functions/web/policy-field.js';
import { escapeHtml } from '../../shared/web/html.js';

const HOSTILE = '"><script>alert(1)</script>';
const ESCAPED = '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;';

const markup = (value: { toString(): string } | '') => value.toString();

/** The opening tag of the element with this id. */
function tagWithId(page: string, id: string): string {
  const match = new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`).exec(page);
  if (!match) throw new Error(`no element with id ${id} in ${page}`);
  return match[0];
}

const problem = (code: Problem['code'], errors: Problem['errors'] = [], detail: string = errorCatalog[code].id): Problem => ({
  status: errorCatalog[code].status, code, detail, errors,
});

describe('what the person typed comes back escaped', () => {
  it('re-renders a hostile value inside value="" as text', () => {
    const field = markup(textField({ name: 'fullName', label: 'Nama', state: emptyForm({ fullName: HOSTILE }) }));
    expect(field).toContain(`value="${ESCAPED}"`);
    expect(field).not.toContain('<script>');
    // Exactly one input, whose value attribute was not closed early.
    expect(field.match(/<input /g)).toHaveLength(1);
  });

  it('escapes labels and field messages', () => {
    const state: FormState = { values: {}, errors: { fullName: `Salah ${HOSTILE}` } };
    const field = markup(textField({ name: 'fullName', label: `Nama ${HOSTILE}`, state }));
    expect(field).toContain(`<label for="f-fullName">Nama ${ESCAPED}</label>`);
    expect(field).toContain(`Salah ${ESCAPED}</p>`);
    expect(field).not.toContain('<script>');
  });

  it('escapes the summary message, the field messages and labels in the error summary', () => {
    const state: FormState = { values: {}, errors: { email: `Pesan ${HOSTILE}` }, message: `Umum ${HOSTILE}` };
    const summary = markup(errorSummary(state, { email: `Email ${HOSTILE}` }));
    expect(summary).toContain(`<p>Umum ${ESCAPED}</p>`);
    expect(summary).toContain(`<a href="#f-email">Email ${ESCAPED}: Pesan ${ESCAPED}</a>`);
    expect(summary).not.toContain('<script>');
  });
});

describe('passwords are never sent back', () => {
  it('renders a password field empty whatever was typed', () => {
    const field = markup(textField({ name: 'password', label: 'Kata sandi', type: 'password', state: emptyForm({ password: 'Rahasia#2025' }) }));
    expect(field).toContain('type="password"');
    expect(field).toContain('value=""');
    expect(field).not.toContain('Rahasia#2025');
  });

  it('keeps what was typed in the other fields', () => {
    const field = markup(textField({ name: 'email', label: 'Email', type: 'email', state: emptyForm({ email: 'siti@contoh.go.id' }) }));
    expect(field).toContain('type="email"');
    expect(field).toContain('value="siti@contoh.go.id"');
  });

  it('never echoes the OTP code either', () => {
    const field = markup(otpField(emptyForm({ otp: '123456' })));
    expect(field).not.toContain('123456');
    expect(field).toContain('value=""');
  });
});

describe('errors point at their fields', () => {
  const state: FormState = { values: { email: 'x' }, errors: { email: 'Alamat e-mail tidak valid.', password: 'Wajib diisi.' } };

  it('links each field error in the summary to the field id', () => {
    const summary = markup(errorSummary(state, { email: 'Email', password: 'Kata sandi' }));
    expect(summary).toContain('role="alert"');
    expect(summary).toContain('<a href="#f-email">Email: Alamat e-mail tidak valid.</a>');
    expect(summary).toContain('<a href="#f-password">Kata sandi: Wajib diisi.</a>');
  });

  it('marks the field invalid and describes it by its message', () => {
    const field = markup(textField({ name: 'email', label: 'Email', type: 'email', state }));
    const input = tagWithId(field, 'f-email');
    expect(input).toContain('aria-invalid="true"');
    const describedBy = /aria-describedby="([^"]*)"/.exec(input)?.[1]?.split(' ') ?? [];
    expect(describedBy).toContain('e-email');
    expect(tagWithId(field, 'e-email')).toMatch(/^<p class="field-error"/);
    expect(field).toContain('Alamat e-mail tidak valid.</p>');
  });

  it('describes a field by both its hint and its message', () => {
    const field = markup(otpField({ values: {}, errors: { otp: 'Kode salah.' } }));
    const input = tagWithId(field, 'f-otp');
    expect(/aria-describedby="([^"]*)"/.exec(input)?.[1]?.split(' ').sort()).toEqual(['e-otp', 'h-otp']);
    expect(tagWithId(field, 'h-otp')).toContain('class="hint"');
  });

  it('leaves a field without an error unmarked', () => {
    const field = markup(textField({ name: 'fullName', label: 'Nama', state }));
    const input = tagWithId(field, 'f-fullName');
    expect(input).not.toContain('aria-invalid');
    expect(input).not.toContain('aria-describedby');
    expect(field).not.toContain('field-error');
  });

  it('shows no summary when there is nothing wrong', () => {
    expect(errorSummary(emptyForm({ email: 'siti@contoh.go.id' }), { email: 'Email' })).toBe('');
  });

  it('shows a summary for a message without field errors', () => {
    const summary = markup(errorSummary({ values: {}, errors: {}, message: 'Sesi masuk sudah berakhir.' }));
    expect(summary).toContain('<p>Sesi masuk sudah berakhir.</p>');
    expect(summary).not.toContain('<ul>');
  });
});

describe('formStateOf: the API answer as a form', () => {
  const values = { email: 'siti@contoh.go.id' };

  it('puts each API field error beside its field, the first message per field winning, and keeps the values', () => {
    const state = formStateOf(values, problem('VALIDATION_FAILED', [
      { field: 'email', code: 'EMAIL_INVALID', message: 'Alamat e-mail tidak valid.' },
      { field: 'password', code: 'REQUIRED', message: 'Wajib diisi.' },
      { field: 'email', code: 'TOO_LONG', message: 'Isian terlalu panjang.' },
    ]));
    expect(state).toEqual({ values, errors: { email: 'Alamat e-mail tidak valid.', password: 'Wajib diisi.' } });
  });

  it('prefers the field errors to the field named for the code', () => {
    const state = formStateOf({}, problem('INVALID_OTP', [{ field: 'deviceName', code: 'REQUIRED', message: 'Wajib diisi.' }]), { INVALID_OTP: 'otp' });
    expect(state.errors).toEqual({ deviceName: 'Wajib diisi.' });
    expect(state.message).toBeUndefined();
  });

  it('puts an error without field errors beside the field named for its code', () => {
    const state = formStateOf({}, problem('INVALID_OTP'), { INVALID_OTP: 'otp' });
    expect(state.errors).toEqual({ otp: errorCatalog.INVALID_OTP.id });
    expect(state.message).toBeUndefined();
  });

  it('puts any other error in the summary message', () => {
    const state = formStateOf(values, problem('ACCOUNT_LOCKED'), { INVALID_OTP: 'otp' });
    expect(state).toEqual({ values, errors: {}, message: errorCatalog.ACCOUNT_LOCKED.id });
    expect(markup(errorSummary(state))).toContain(errorCatalog.ACCOUNT_LOCKED.id);
  });
});

describe('the OTP field', () => {
  it('asks for the numeric keypad, the one-time-code autofill and six digits', () => {
    const input = tagWithId(markup(otpField(emptyForm())), 'f-otp');
    expect(input).toContain('name="otp"');
    expect(input).toContain('autocomplete="one-time-code"');
    expect(input).toContain('inputmode="numeric"');
    expect(input).toContain('maxlength="6"');
  });
});

describe('a new password or passphrase', () => {
  const render = (state: FormState = emptyForm()) => markup(newSecretFields({
    name: 'password', confirmationName: 'passwordConfirmation', label: 'Kata sandi baru', confirmationLabel: 'Ulangi kata sandi',
    state, autocomplete: 'new-password',
  }));

  it('lists every rule of the credential policy, in order', () => {
    const fields = render();
    const listed = [...fields.matchAll(/<li data-rule="([^"]+)">/g)].map((match) => match[1]);
    expect(listed).toEqual(credentialRules.map((rule) => rule.id));
    for (const rule of credentialRules) expect(fields).toContain(`<li data-rule="${rule.id}">${escapeHtml(rule.label)} `);
  });

  it('links the input to its checklist', () => {
    const fields = render();
    const listId = /<ul class="checklist" id="([^"]+)"/.exec(fields)?.[1];
    expect(listId).toBeTruthy();
    expect(tagWithId(fields, 'f-password')).toContain(`data-policy-checklist="${listId}"`);
    // The checklist is in the hint the input is described by.
    const hintId = /aria-describedby="([^"]*)"/.exec(tagWithId(fields, 'f-password'))?.[1];
    expect(fields).toMatch(new RegExp(`<div class="hint" id="${hintId}">[^]*id="${listId}"`));
  });

  it('renders both fields as new passwords and echoes neither', () => {
    const fields = render(emptyForm({ password: 'Rahasia#2025', passwordConfirmation: 'Rahasia#2025' }));
    expect(fields).not.toContain('Rahasia#2025');
    for (const id of ['f-password', 'f-passwordConfirmation']) {
      const input = tagWithId(fields, id);
      expect(input).toContain('type="password"');
      expect(input).toContain('autocomplete="new-password"');
      expect(input).toContain('value=""');
    }
  });
});
