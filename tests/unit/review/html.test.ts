import { describe, expect, it } from 'vitest';
import { escapeHtml, html, toHtmlString, webUrl } from '../../../functions/review/html.ts';

// Another name for the tag, so that the formatter leaves the expected markup as written.
const h = html;

describe('html', () => {
  it('escapes an interpolated name so that markup stays text', () => {
    const name = '<img src=x onerror=alert(1)>';

    const markup = toHtmlString(h`<p title="${name}">${name}</p>`);

    expect(markup).toBe('<p title="&lt;img src=x onerror=alert(1)&gt;">&lt;img src=x onerror=alert(1)&gt;</p>');
  });

  it('escapes quotes, so a value cannot leave its attribute', () => {
    const value = `" onmouseover="x' onfocus='y`;

    expect(toHtmlString(h`<a title="${value}"></a>`)).toBe(
      '<a title="&quot; onmouseover=&quot;x&#39; onfocus=&#39;y"></a>',
    );
  });

  it('nests templates without escaping them twice, and escapes every item of a list', () => {
    const items = ['a&b', '<i>'].map((item) => h`<li>${item}</li>`);

    expect(toHtmlString(h`<ul>${items}</ul>`)).toBe('<ul><li>a&amp;b</li><li>&lt;i&gt;</li></ul>');
  });

  it('writes nothing for null, undefined and booleans, and numbers as text', () => {
    expect(toHtmlString(h`${null}${undefined}${false}${true}${3}`)).toBe('3');
  });

  it('removes control characters and bidi overrides before escaping', () => {
    expect(escapeHtml('evil\u202Egnp.exe\u0007')).toBe('evilgnp.exe');
  });

  it('treats an object that merely looks like markup as text', () => {
    const forged = { markup: '<script>' } as unknown as string;

    expect(toHtmlString(h`${forged}`)).toBe('[object Object]');
  });
});

describe('webUrl', () => {
  it('keeps http(s) links and drops javascript: and data: ones', () => {
    expect(webUrl('https://www.gov.uk/x')).toBe('https://www.gov.uk/x');
    expect(webUrl('javascript:alert(1)')).toBeUndefined();
    expect(webUrl('data:text/html,<script>')).toBeUndefined();
    expect(webUrl('not a url')).toBeUndefined();
  });
});
