import type { ErrorCode } from '../../shared/domain/errors.js';
import { html, type Html } from '../../shared/web/html.js';
import type { Problem } from './api.js';

/**
 * Forms the GOV.UK way: an error summary at the top linking to each field, the message beside
 * the field, what was typed kept (never a password), and buttons that are never disabled.
 */
export interface FormState {
  values: Readonly<Record<string, string | undefined>>;
  /** Field name → message. */
  errors: Readonly<Record<string, string>>;
  /** A message about the form as a whole (e.g. a wrong OTP without a field of its own). */
  message?: string;
  /** The help page's entry for the problem, when it has one. */
  help?: string;
}

export const emptyForm = (values: FormState['values'] = {}): FormState => ({ values, errors: {} });

/**
 * The API's answer as form errors: each field error beside its field (API field names are the
 * form's), and an error without a field beside the field `fieldFor` names, else at the top.
 */
export function formStateOf(values: FormState['values'], problem: Problem, fieldFor: Partial<Record<ErrorCode, string>> = {}): FormState {
  const errors: Record<string, string> = {};
  const help = problem.help ? { help: problem.help } : {};
  for (const error of problem.errors) errors[error.field] ??= error.message;
  if (problem.errors.length > 0) return { values, errors, ...help };
  const field = fieldFor[problem.code];
  return field ? { values, errors: { [field]: problem.detail }, ...help } : { values, errors, message: problem.detail, ...help };
}

const fieldId = (name: string) => `f-${name}`;
const errorId = (name: string) => `e-${name}`;

export function errorSummary(state: FormState, labels: Readonly<Record<string, string>> = {}): Html | '' {
  const entries = Object.entries(state.errors);
  if (entries.length === 0 && !state.message) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1" data-focus>
<h2>Ada yang perlu diperbaiki</h2>
${state.message ? html`<p>${state.message}</p>` : ''}
${entries.length > 0 ? html`<ul>${entries.map(([name, message]) => html`<li><a href="#${fieldId(name)}">${labels[name] ? `${labels[name]}: ` : ''}${message}</a></li>`)}</ul>` : ''}
${state.help ? html`<p><a href="${state.help}">Bantuan untuk masalah ini</a></p>` : ''}
</div>`;
}

interface FieldOptions {
  name: string;
  label: string;
  state: FormState;
  hint?: Html | string;
}

/** A field's error, hint and their ids; `key` is the field's name in the form state (and its id). */
function fieldParts(options: FieldOptions, key = options.name) {
  const error = options.state.errors[key];
  const hintId = options.hint ? `h-${key}` : undefined;
  const describedBy = [hintId, error ? errorId(key) : undefined].filter(Boolean).join(' ');
  return {
    error,
    describedBy: describedBy || undefined,
    hint: options.hint ? html`<div class="hint" id="${hintId}">${options.hint}</div>` : '',
    message: error ? html`<p class="field-error" id="${errorId(key)}"><span class="visually-hidden">Kesalahan: </span>${error}</p>` : '',
  };
}

export interface TextFieldOptions extends FieldOptions {
  type?: 'text' | 'email' | 'password' | 'tel' | 'date';
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'text' | 'tel';
  /** Passwords and passphrases are never sent back to the browser. */
  keepValue?: boolean;
  maxlength?: number;
  pattern?: string;
  /** Extra data-* behaviour for the page script, e.g. data-policy-checklist. */
  data?: Readonly<Record<string, string>>;
}

export function textField(options: TextFieldOptions): Html {
  const parts = fieldParts(options);
  const type = options.type ?? 'text';
  const keep = options.keepValue ?? type !== 'password';
  const value = keep ? options.state.values[options.name] ?? '' : '';
  const data = Object.entries(options.data ?? {}).map(([key, val]) => html` data-${key}="${val}"`);
  return html`<div class="field${parts.error ? ' field--error' : ''}">
<label for="${fieldId(options.name)}">${options.label}</label>
${parts.hint}${parts.message}<input id="${fieldId(options.name)}" name="${options.name}" type="${type}" value="${value}"${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}${options.inputmode ? html` inputmode="${options.inputmode}"` : ''}${options.maxlength ? html` maxlength="${options.maxlength}"` : ''}${options.pattern ? html` pattern="${options.pattern}"` : ''}${parts.describedBy ? html` aria-describedby="${parts.describedBy}"` : ''}${parts.error ? html` aria-invalid="true"` : ''}${data}>
</div>`;
}

/** The OTP field: numeric keypad, the one-time-code autofill, six digits. */
export const otpField = (state: FormState, label = 'Kode OTP') => textField({
  name: 'otp', label, state, autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6, pattern: '[0-9]{6}', keepValue: false,
  hint: 'Enam angka dari aplikasi autentikator di ponsel Anda.',
});

/**
 * A text area. `key` tells apart fields of the same name in several forms on one page (their
 * errors and values are kept under it, and it is the element's id).
 */
export function textAreaField(options: FieldOptions & { key?: string; rows?: number; className?: string }): Html {
  const key = options.key ?? options.name;
  const parts = fieldParts(options, key);
  return html`<div class="field${parts.error ? ' field--error' : ''}">
<label for="${fieldId(key)}">${options.label}</label>
${parts.hint}${parts.message}<textarea id="${fieldId(key)}" name="${options.name}" rows="${options.rows ?? 3}"${options.className ? html` class="${options.className}"` : ''}${parts.describedBy ? html` aria-describedby="${parts.describedBy}"` : ''}${parts.error ? html` aria-invalid="true"` : ''}>${options.state.values[key] ?? ''}</textarea>
</div>`;
}

export interface Choice {
  value: string;
  label: string;
}

export function selectField(options: FieldOptions & { choices: readonly Choice[] | readonly { group: string; choices: readonly Choice[] }[]; placeholder?: string; data?: Readonly<Record<string, string>> }): Html {
  const parts = fieldParts(options);
  const selected = options.state.values[options.name] ?? '';
  const option = (choice: Choice) => html`<option value="${choice.value}"${choice.value === selected ? ' selected' : ''}>${choice.label}</option>`;
  const body = options.choices.map((entry) => ('group' in entry ? html`<optgroup label="${entry.group}">${entry.choices.map(option)}</optgroup>` : option(entry)));
  const data = Object.entries(options.data ?? {}).map(([key, val]) => html` data-${key}="${val}"`);
  return html`<div class="field${parts.error ? ' field--error' : ''}">
<label for="${fieldId(options.name)}">${options.label}</label>
${parts.hint}${parts.message}<select id="${fieldId(options.name)}" name="${options.name}"${parts.describedBy ? html` aria-describedby="${parts.describedBy}"` : ''}${parts.error ? html` aria-invalid="true"` : ''}${data}>
${options.placeholder !== undefined ? html`<option value="">${options.placeholder}</option>` : ''}${body}
</select>
</div>`;
}

export function radioField(options: FieldOptions & { choices: readonly Choice[] }): Html {
  const parts = fieldParts(options);
  const selected = options.state.values[options.name] ?? '';
  return html`<div class="field${parts.error ? ' field--error' : ''}">
<fieldset id="${fieldId(options.name)}"${parts.describedBy ? html` aria-describedby="${parts.describedBy}"` : ''}>
<legend>${options.label}</legend>
${parts.hint}${parts.message}${options.choices.map((choice, index) => html`<div class="choice"><input type="radio" id="${fieldId(options.name)}-${index}" name="${options.name}" value="${choice.value}"${choice.value === selected ? ' checked' : ''}><label for="${fieldId(options.name)}-${index}">${choice.label}</label></div>`)}
</fieldset>
</div>`;
}

export function checkboxField(options: FieldOptions & { label: string; value?: string }): Html {
  const parts = fieldParts(options);
  const checked = options.state.values[options.name] !== undefined;
  return html`<div class="field${parts.error ? ' field--error' : ''}">
${parts.message}<div class="choice"><input type="checkbox" id="${fieldId(options.name)}" name="${options.name}" value="${options.value ?? 'ya'}"${checked ? ' checked' : ''}${parts.describedBy ? html` aria-describedby="${parts.describedBy}"` : ''}><label for="${fieldId(options.name)}">${options.label}</label></div>
${parts.hint}
</div>`;
}

/**
 * A file input. A browser never lets a page refill one, so after an error the person chooses the
 * file again (the hint says so when `again` is set).
 */
export function fileField(options: FieldOptions & { accept: string; multiple?: boolean; again?: boolean; data?: Readonly<Record<string, string>> }): Html {
  const parts = fieldParts(options);
  const data = Object.entries(options.data ?? {}).map(([key, val]) => html` data-${key}="${val}"`);
  return html`<div class="field${parts.error ? ' field--error' : ''}">
<label for="${fieldId(options.name)}">${options.label}</label>
${parts.hint}${parts.message}${options.again ? html`<p class="hint">Pilih ulang berkasnya: browser tidak menyimpan pilihan berkas setelah halaman dimuat ulang.</p>` : ''}<input id="${fieldId(options.name)}" name="${options.name}" type="file" accept="${options.accept}"${options.multiple ? ' multiple' : ''}${parts.describedBy ? html` aria-describedby="${parts.describedBy}"` : ''}${parts.error ? html` aria-invalid="true"` : ''}${data}>
</div>`;
}

export const hiddenField = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}">`;

export const submitButton = (label: string, variant: 'primary' | 'secondary' | 'warning' = 'primary') =>
  html`<button type="submit" class="button${variant === 'primary' ? '' : ` button--${variant}`}">${label}</button>`;

/** A form that posts to the page's own path (so a failed post re-renders in place); `multipart` for file uploads. */
export const postForm = (action: string, body: Html | readonly Html[], options: { csrfToken?: string; className?: string; multipart?: boolean } = {}) =>
  html`<form method="post" action="${action}" novalidate${options.multipart ? html` enctype="multipart/form-data"` : ''}${options.className ? html` class="${options.className}"` : ''}>
${options.csrfToken ? hiddenField('csrfToken', options.csrfToken) : ''}${body}
</form>`;
