/**
 * The frame of every view (landmarks, navigation, a skip link, who is signed in) and the
 * responses the page sends, each with the same security headers: a Content-Security-Policy that
 * allows nothing but the page's own stylesheet and forms (no script at all, no inline style, no
 * framing), no caching of what may be confidential, no referrer to other sites.
 */
import { html, toHtmlString, type SafeHtml } from './html.ts';
import type { PageResponse, Reviewer } from './page-request.ts';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export const STYLESHEET_PATH = '/assets/review.css';

/** What every view knows about the request it answers. */
export interface ViewContext {
  /** The page's base path ('' at the root). */
  base: string;
  reviewer: Reviewer;
  /** The CSRF token for this reviewer's forms. */
  csrf: string;
  now: Date;
}

/** A link inside the page: the base path, the path, the query's non-empty values. */
export function pageHref(
  ctx: Pick<ViewContext, 'base'>,
  path: string,
  query: Record<string, string | readonly string[] | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    for (const one of typeof value === 'string' ? [value] : (value ?? [])) if (one !== '') params.append(key, one);
  const search = params.toString();
  return `${ctx.base}${path}${search ? `?${search}` : ''}`;
}

/** A path segment for an id: ids hold `/`, `#`, spaces and anything a register writes. */
export const segment = (id: string): string => encodeURIComponent(id);

export type Section = 'changes' | 'sources' | 'hits' | 'audit';

const NAV: readonly { section: Section; label: string; path: string }[] = [
  { section: 'changes', label: 'Changes', path: '/' },
  { section: 'sources', label: 'Sources', path: '/sources' },
  { section: 'hits', label: 'Watchlist hits', path: '/hits' },
  { section: 'audit', label: 'Audit trail', path: '/audit' },
];

export function pageShell(
  ctx: ViewContext,
  view: { title: string; section?: Section; main: SafeHtml; status?: number },
): PageResponse {
  const nav = NAV.map(
    (item) =>
      html`<li>
        <a href="${pageHref(ctx, item.path)}" ${item.section === view.section ? html` aria-current="page"` : ''}
          >${item.label}</a
        >
      </li>`,
  );
  const who = ctx.reviewer.email ?? ctx.reviewer.id;
  const document = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>${view.title} · tradewatch</title>
        <link rel="stylesheet" href="${pageHref(ctx, STYLESHEET_PATH)}" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
          <a class="brand" href="${pageHref(ctx, '/')}">tradewatch</a>
          <nav aria-label="Views">
            <ul>
              ${nav}
            </ul>
          </nav>
          <p class="who">Signed in as <span>${who}</span></p>
        </header>
        <main id="main" tabindex="-1">${view.main}</main>
      </body>
    </html> `;
  return htmlResponse(view.status ?? 200, document);
}

export function htmlResponse(status: number, document: SafeHtml): PageResponse {
  return {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' },
    body: toHtmlString(document),
  };
}

export function textResponse(status: number, text: string, headers: Record<string, string> = {}): PageResponse {
  return {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...headers },
    body: text,
  };
}

/** After a POST: back to a page with GET (303), so a reload never repeats the decision. */
export function seeOther(location: string): PageResponse {
  return { status: 303, headers: { ...SECURITY_HEADERS, location }, body: '' };
}

export function errorPage(ctx: ViewContext, status: number, title: string, message: string): PageResponse {
  return pageShell(ctx, {
    title,
    status,
    main: html`<h1>${title}</h1>
      <p class="error" role="alert">${message}</p>`,
  });
}
