/**
 * Text hygiene for untrusted text: register values, feed items and watchlist names are written by
 * others, and reach a terminal, an email and an SMS. A terminal obeys the escape sequences in what it
 * prints (recolour, move the cursor, set the title, ring the bell), a mail client obeys bidi
 * overrides (U+202E shows a name backwards), and a phone shows half a surrogate pair as garbage.
 *
 * Two levels: `removeControlCharacters` is what a normalized record keeps (no control character and
 * no escape sequence is ever content); `forDisplay` is what a human is shown (also no bidi override
 * or isolate, and one line unless asked for several). `truncateText` cuts on whole characters.
 */

/**
 * Escape sequences (removed whole, so `ESC[31m` leaves no `[31m` behind): CSI `ESC [ params final`,
 * OSC `ESC ] ... BEL|ST` (window title, hyperlinks), the string controls DCS/SOS/PM/APC up to ST,
 * and the two-character escapes (`ESC c` resets the terminal). Then single controls: C0 except tab,
 * LF, VT, FF and CR (white space, which cleanText collapses), DEL, and C1.
 */
const CONTROL_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[ -/]*[0-~]?)|[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/;

/**
 * C1 code points are, in real registers, windows-1252 punctuation that went through a Latin-1
 * decoder (the CSL writes "Xi\u0092an" for Xi'an): they become that punctuation (U+2019), not
 * nothing, so the name stays readable. The five bytes windows-1252 leaves undefined are removed.
 */
const C1_AS_WINDOWS_1252: readonly string[] = (() => {
  // `stream: true`: Node 20's one-shot windows-1252 decode takes a Latin-1 shortcut (0x92 stays U+0092).
  const bytes = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
  const decoded = new TextDecoder('windows-1252').decode(bytes, { stream: true });
  return [...decoded].map((c) => (c.charCodeAt(0) < 0xa0 ? '' : c));
})();

/** True when the text holds a control character (an escape sequence starts with one). */
export function hasControlCharacters(text: string): boolean {
  return HAS_CONTROL.test(text);
}

/**
 * The text without control characters and escape sequences; white space (tab, line breaks) is
 * kept. C1 characters become their windows-1252 punctuation.
 */
export function removeControlCharacters(text: string): string {
  if (!HAS_CONTROL.test(text)) return text;
  return text.replace(CONTROL_SEQUENCE, (match) => {
    const code = match.charCodeAt(0);
    return match.length === 1 && code >= 0x80 && code <= 0x9f ? C1_AS_WINDOWS_1252[code - 0x80]! : '';
  });
}

/** Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069): they reorder what follows. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

export interface DisplayOptions {
  /** Keep line breaks (as LF); otherwise every line break and tab is one space. @default false */
  readonly multiline?: boolean;
}

/**
 * Text as it may be shown to a person (terminal, email, SMS): no control character, no escape
 * sequence, no bidi override or isolate; CR LF and lone CR (which returns the cursor and lets a
 * line overwrite what was printed) become LF, or a space on one line.
 */
export function forDisplay(text: string, options: DisplayOptions = {}): string {
  const clean = removeControlCharacters(text).replace(BIDI_CONTROLS, '');
  return options.multiline
    ? clean.replace(/\r\n?/g, '\n').replace(/[\v\f]/g, '\n')
    : clean.replace(/[\t\n\v\f\r]+/g, ' ');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * At most `max` UTF-16 code units (what SMS and SNS count), cut between grapheme clusters (never
 * inside a surrogate pair, an emoji sequence or a letter and its accents), ending with `…` when cut.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - 1;
  let end = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (end + segment.length > room) break;
    end += segment.length;
  }
  return `${text.slice(0, end)}…`;
}

/**
 * The offset of the first byte that does not belong to well-formed UTF-8 (overlong forms,
 * surrogates and code points past U+10FFFF included), or -1. A sequence cut by the end of the
 * bytes is invalid here: the caller passes a whole document, or knows where its chunk ends.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else return i;
    if (i + need >= n) return i;
    const second = bytes[i + 1]!;
    if (second < min || second > max) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}
