/**
 * The page's one stylesheet, served as `/assets/review.css` so that the Content-Security-Policy can
 * say `style-src 'self'` (no inline style anywhere). Kept as a module rather than a .css file so the
 * deployed function's bundle holds it without a copy step. System fonts, no images: the page weighs
 * what its data weighs.
 */
export const REVIEW_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad;
  --ins-bg: #dafbe1; --ins-fg: #0f5323; --del-bg: #ffebe9; --del-fg: #82071e; --warn-bg: #fff8c5; --bad: #a40e26; --good: #116329; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --accent: #58a6ff;
  --ins-bg: #12361f; --ins-fg: #7ee2a8; --del-bg: #4b1113; --del-fg: #ffa198; --warn-bg: #3b2e00; --bad: #ff7b72; --good: #3fb950; } }
* { box-sizing: border-box; }
html { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
body { margin: 0; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem; }
.skip:focus { left: .5rem; }
header.site { border-bottom: 1px solid var(--line); padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; align-items: baseline; }
header.site .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
header.site nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; }
header.site nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
header.site .who { margin-left: auto; color: var(--muted); font-size: .9rem; }
main { padding: 1rem; max-width: 80rem; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.25rem 0 .5rem; }
.muted { color: var(--muted); }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .5rem 1rem; align-items: end;
  border: 1px solid var(--line); border-radius: 6px; padding: .75rem; margin-bottom: 1rem; }
form.filters .wide { grid-column: 1 / -1; }
label { display: block; font-size: .875rem; font-weight: 600; }
input, select, textarea { font: inherit; width: 100%; padding: .35rem .45rem; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); }
button { font: inherit; padding: .35rem .9rem; border: 1px solid var(--accent); border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
.actions { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
ol.changes, ul.plain { list-style: none; margin: 0; padding: 0; }
ol.changes > li, .card { border: 1px solid var(--line); border-radius: 6px; padding: .75rem; margin-bottom: .75rem; }
.change-head { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: baseline; }
.change-head h2, .change-head h3 { margin: 0; font-size: 1.05rem; overflow-wrap: anywhere; }
.badge { display: inline-block; font-size: .8rem; padding: 0 .45rem; border-radius: 999px; border: 1px solid var(--line); }
.badge.added { color: var(--good); border-color: var(--good); }
.badge.removed { color: var(--bad); border-color: var(--bad); }
.badge.modified { color: var(--accent); border-color: var(--accent); }
.badge.unhealthy { color: var(--bad); border-color: var(--bad); }
.badge.healthy { color: var(--good); border-color: var(--good); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
ins { background: var(--ins-bg); color: var(--ins-fg); text-decoration: none; }
del { background: var(--del-bg); color: var(--del-fg); }
ins::before { content: "+"; position: absolute; clip-path: inset(50%); }
del::before { content: "−"; position: absolute; clip-path: inset(50%); }
table.diff td.field { font-family: ui-monospace, monospace; font-size: .9rem; white-space: nowrap; }
.notice { background: var(--warn-bg); padding: .5rem .75rem; border-radius: 6px; margin: .5rem 0; }
.error { border-left: 4px solid var(--bad); padding: .25rem .75rem; }
.pager { display: flex; gap: 1rem; margin: 1rem 0; }
details.decide { margin-top: .5rem; }
details.decide form { display: grid; gap: .5rem; max-width: 36rem; margin-top: .5rem; }
@media (max-width: 40rem) {
  main { padding: .5rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .35rem; }
  header.site .who { margin-left: 0; }
  table.stack thead { position: absolute; clip-path: inset(50%); }
  table.stack tr { display: block; border-bottom: 1px solid var(--line); padding: .35rem 0; }
  table.stack td { display: block; border: 0; padding: .1rem 0; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
}
`;
