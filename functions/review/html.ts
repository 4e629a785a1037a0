/**
 * The page's one way to write HTML: a tagged template that escapes every interpolated value unless
 * it is itself the output of the template. Register values, watchlist entries and query strings are
 * untrusted text (a listed name can be `<img src=x onerror=alert(1)>`); writing markup any other
 * way than through `html` is how an escape gets forgotten, so no other helper builds markup from
 * strings.
 *
 * Escaped: `& < > " '` (so a value is safe both as text and inside a quoted attribute), after
 * forDisplay has removed control characters and bidi overrides that would make a name read as
 * something else. Attributes are always written quoted by the templates.
 */
import { forDisplay } from '../core/text.ts';

const SAFE = Symbol('SafeHtml');

/** Markup the template produced (or a constant it vouches for): interpolated as it is. */
export interface SafeHtml {
  readonly [SAFE]: true;
  readonly markup: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Untrusted text as HTML text or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return forDisplay(text, { multiline: true }).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && (value as Partial<SafeHtml>)[SAFE] === true;
}

function safe(markup: string): SafeHtml {
  return { [SAFE]: true, markup };
}

/** What a template may interpolate: text (escaped), numbers, markup, lists of them; nothing for null, undefined and false. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  if (isSafeHtml(value)) return value.markup;
  return escapeHtml(String(value));
}

/** `html\`<p>${name}</p>\``: the literal parts as written, every value escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0]!;
  values.forEach((value, i) => {
    markup += render(value) + strings[i + 1]!;
  });
  return safe(markup);
}

/**
 * The page's one kind of table: in its scrolling wrapper, stacking into labelled rows on a phone
 * (`.stack` in style.ts; each row's cells carry their `data-label`).
 */
export function stackTable(
  columns: readonly string[],
  rows: HtmlValue,
  options: { caption?: string; className?: string } = {},
): SafeHtml {
  return html`<div class="table-wrap">
    <table class="${['stack', options.className].filter(Boolean).join(' ')}">
      ${
        options.caption
          ? html`<caption class="muted">
              ${options.caption}
            </caption>`
          : ''
      }
      <thead>
        <tr>
          ${columns.map((column) => html`<th scope="col">${column}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

/** The markup of a template, as a string for a response body. */
export function toHtmlString(value: SafeHtml): string {
  return value.markup;
}

/**
 * An http(s) URL from a publisher, or undefined: a link taken from a register is shown as a link
 * only when it cannot be `javascript:` or `data:`.
 */
export function webUrl(value: string | undefined): string | undefined {
  if (!value || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
}
