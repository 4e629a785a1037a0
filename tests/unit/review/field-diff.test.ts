import { describe, expect, it } from 'vitest';
import { toHtmlString } from '../../../functions/review/html.ts';
import { fieldDiff } from '../../../functions/review/record-view.ts';

describe('fieldDiff', () => {
  it('marks only the words that changed in a value', () => {
    const markup = toHtmlString(
      fieldDiff([{ field: 'remarks', old: 'Born in Tehran, Iran', new: 'Born in Shiraz, Iran' }]),
    );

    expect(markup).toContain('<del>Tehran</del>');
    expect(markup).toContain('<ins>Shiraz</ins>');
    expect(markup).not.toContain('<del>Born');
  });

  it('lists items added and removed, and diffs one item rewritten as one value', () => {
    const lists = toHtmlString(
      fieldDiff([{ field: 'aliases', old: ['A', 'B'], new: ['C'], added: ['C'], removed: ['A', 'B'] }]),
    );
    const rewritten = toHtmlString(
      fieldDiff([
        {
          field: 'addresses',
          old: ['1 Main St, Minsk'],
          new: ['9 Main St, Minsk'],
          added: ['9 Main St, Minsk'],
          removed: ['1 Main St, Minsk'],
        },
      ]),
    );

    expect(lists).toContain('<li><del>A</del></li>');
    expect(lists).toContain('<li><del>B</del></li>');
    expect(lists).toContain('<li><ins>C</ins></li>');
    expect(rewritten).toContain('<del>1</del>');
    expect(rewritten).toContain('<ins>9</ins>');
    expect(rewritten).not.toContain('<del>1 Main');
  });

  it('escapes the values it marks', () => {
    const markup = toHtmlString(fieldDiff([{ field: 'name', old: 'Acme', new: '<script>x</script>' }]));

    expect(markup).toContain('&lt;script&gt;');
    expect(markup).not.toContain('<script>');
  });
});
