/**
 * How a listed record and a change to it read on the page: the record's facts, the field-level
 * diff with the changed parts of each value highlighted (words removed struck through in the old
 * value, words added marked in the new one; list items added and removed), and the badges and
 * links of a change. Every value goes through html() and is escaped there.
 */
import { diffWordsWithSpace } from 'diff';
import type { FieldChange } from '../core/diff.ts';
import { eventTopics, type ChangeEvent, type EarlyWarning } from '../core/events.ts';
import type { RegisterRecord } from '../core/records.ts';
import { formatValue } from '../delivery/render.ts';
import { html, stackTable, webUrl, type SafeHtml } from './html.ts';
import { pageHref, segment, type ViewContext } from './layout.ts';

export const changeHref = (ctx: Pick<ViewContext, 'base'>, event: Pick<ChangeEvent, 'id' | 'data'>): string =>
  pageHref(ctx, `/changes/${segment(event.data.sourceId)}/${segment(event.id)}`);

export const recordHref = (ctx: Pick<ViewContext, 'base'>, sourceId: string, recordId: string): string =>
  pageHref(ctx, `/records/${segment(sourceId)}/${segment(recordId)}`);

/** The Federal Register's own short link to a document number. */
export function federalRegisterUrl(documentNumber: string): string | undefined {
  return /^[0-9A-Za-z-]{1,40}$/.test(documentNumber)
    ? `https://www.federalregister.gov/d/${encodeURIComponent(documentNumber)}`
    : undefined;
}

const list = (values: readonly string[] | undefined): string => (values?.length ? values.join('; ') : '');

/** `topics`: the change's (a register record stores none: functions/core/register-topics.ts). */
export function recordFacts(record: RegisterRecord, topics: readonly string[] | undefined = record.topics): SafeHtml {
  const rows: [string, string | SafeHtml][] = [
    ['Name', record.name],
    ['Aliases', list(record.aliases)],
    ['List', record.list],
    ['Kind', record.kind],
    ['Countries', list(record.countries)],
    ['Programs', list(record.programs)],
    ['Topics', list(topics)],
    ['Listed on', record.listedOn ?? ''],
    ['Addresses', list(record.addresses)],
    ['Remarks', record.remarks ?? ''],
    ...Object.entries(record.extra).map(([key, value]): [string, string] => [
      key,
      Array.isArray(value) ? list(value) : value,
    ]),
  ];
  return html`<dl class="facts">
    ${rows
      .filter(([, value]) => value !== '')
      .map(
        ([label, value]) =>
          html`<dt>${label}</dt>
            <dd>${value}</dd>`,
      )}
  </dl>`;
}

/** The publisher's documents a record links to (http(s) only). */
export function sourceLinks(urls: readonly string[]): SafeHtml {
  const links = [...new Set(urls.map(webUrl).filter((url): url is string => url !== undefined))];
  if (!links.length) return html`<p class="muted">No web link to the publisher's documents.</p>`;
  return html`<ul class="plain">
    ${links.map((url) => html`<li><a href="${url}" rel="noreferrer noopener">${url}</a></li>`)}
  </ul>`;
}

/** Old and new value of a scalar field, each with what the other lacks highlighted. */
function valueDiff(oldValue: unknown, newValue: unknown): { old: SafeHtml; new: SafeHtml } {
  const before = formatValue(oldValue);
  const after = formatValue(newValue);
  const parts = diffWordsWithSpace(before, after);
  return {
    old: html`${parts.filter((part) => !part.added).map((part) => (part.removed ? html`<del>${part.value}</del>` : part.value))}`,
    new: html`${parts.filter((part) => !part.removed).map((part) => (part.added ? html`<ins>${part.value}</ins>` : part.value))}`,
  };
}

export function fieldDiff(fields: readonly FieldChange[]): SafeHtml {
  if (!fields.length) return html``;
  const rows = fields.map((field) => {
    const name = field.field.replace(/^extra\./, '');
    // One item replaced by another (an address rewritten): shown as one value, its changed words marked.
    if (field.added?.length === 1 && field.removed?.length === 1) {
      const values = valueDiff(field.removed[0], field.added[0]);
      return html`<tr>
        <td class="field" data-label="Field">${name}</td>
        <td data-label="Old">${values.old}</td>
        <td data-label="New">${values.new}</td>
      </tr>`;
    }
    if (field.added || field.removed) {
      const removed = (field.removed ?? []).map((item) => html`<li><del>${item}</del></li>`);
      const added = (field.added ?? []).map((item) => html`<li><ins>${item}</ins></li>`);
      return html`<tr>
        <td class="field" data-label="Field">${name}</td>
        <td data-label="Old">
          ${
            removed.length
              ? html`<ul class="plain">
                  ${removed}
                </ul>`
              : ''
          }
        </td>
        <td data-label="New">
          ${
            added.length
              ? html`<ul class="plain">
                  ${added}
                </ul>`
              : ''
          }
        </td>
      </tr>`;
    }
    const values = valueDiff(field.old, field.new);
    return html`<tr>
      <td class="field" data-label="Field">${name}</td>
      <td data-label="Old">${values.old}</td>
      <td data-label="New">${values.new}</td>
    </tr>`;
  });
  return stackTable(['Field', 'Old', 'New'], rows, { caption: 'What changed', className: 'diff' });
}

export function earlyWarningNote(ctx: ViewContext, warning: EarlyWarning): SafeHtml {
  const document = federalRegisterUrl(warning.documentNumber);
  const documentLink = document
    ? html`<a href="${document}" rel="noreferrer noopener">Federal Register ${warning.documentNumber}</a>`
    : html`Federal Register ${warning.documentNumber}`;
  return html`<p class="notice">
    Announced earlier by ${documentLink} (${warning.action}), early warning of ${warning.announcedAt}:
    <a href="${recordHref(ctx, warning.sourceId, warning.recordId)}">the announcing record</a>.
  </p>`;
}

const VERB = { added: 'Added', removed: 'Removed', modified: 'Changed' } as const;

/** One change as a card: what happened to whom, where, when; the diff; links to the change and the record. */
export function changeCard(
  ctx: ViewContext,
  event: ChangeEvent,
  options: { heading?: 'h2' | 'h3'; facts?: boolean } = {},
): SafeHtml {
  const { data } = event;
  const record = data.record ?? data.previous;
  const heading = html`<a href="${changeHref(ctx, event)}">${data.name || data.recordId}</a>`;
  const title = options.heading === 'h3' ? html`<h3>${heading}</h3>` : html`<h2>${heading}</h2>`;
  const countries = record?.countries.length ? html` · ${record.countries.join(', ')}` : '';
  return html`<article class="change" aria-label="${VERB[data.changeType]}: ${data.name}">
    <div class="change-head">
      ${title}<span class="badge ${data.changeType}">${VERB[data.changeType]}</span>
      <span class="muted"
        >${data.list} · ${data.sourceTitle}${countries} ·
        <time datetime="${event.time}">${event.time.slice(0, 16).replace('T', ' ')} UTC</time></span
      >
    </div>
    ${data.earlyWarning ? earlyWarningNote(ctx, data.earlyWarning) : ''}
    ${data.changeType === 'modified' ? fieldDiff(data.fields) : ''}
    ${options.facts && record ? recordFacts(record, eventTopics(data)) : ''}
    <p class="actions">
      <a href="${recordHref(ctx, data.sourceId, data.recordId)}">History of this record</a
      >${webUrl(data.sourceUrl) ? html`<a href="${webUrl(data.sourceUrl)!}" rel="noreferrer noopener">At the publisher</a>` : ''}
    </p>
  </article>`;
}
