/**
 * HTML escaped by construction: the `html` tag escapes every interpolated value unless it is
 * itself Html (made by this tag). There is no way to mark a string as safe, so user data can only
 * ever reach a page as text.
 */
export class Html {
  /** Only this module makes Html; the constructor's argument is already escaped markup. */
  private constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }

  /** @internal */
  static fromTrusted(markup: string): Html {
    return new Html(markup);
  }
}

const replacements: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => replacements[char]!);

/** What may sit in a template hole: text (escaped), Html, nothing, or a list of those. */
export type HtmlValue = string | number | Html | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let markup = strings[0]!;
  values.forEach((value, index) => {
    markup += render(value) + strings[index + 1]!;
  });
  return Html.fromTrusted(markup);
}
