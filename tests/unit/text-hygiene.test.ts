/**
 * Untrusted text on its way to people: escape sequences, control characters and bidi overrides
 * never reach a terminal, an email or an SMS; cuts fall between whole characters; a bad
 * configuration's error stays a readable size however bad the file.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, sourcesConfigFromEnv } from '../../functions/config/config.ts';
import { ConfigError } from '../../functions/core/errors.ts';
import { forDisplay, removeControlCharacters, truncateText } from '../../functions/core/text.ts';
import { renderSms, renderSubject, renderText } from '../../functions/delivery/render.ts';
import { describeDelivery } from '../../functions/local/delivery.ts';
import { changeEvent, registerRecord } from '../helpers/change-events.ts';

// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
/** A surrogate without its partner: half an emoji. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A record as a hostile register (or an old stored copy) could hold it: every field carries a trap. */
const hostile = registerRecord({
  id: '4242',
  source: 'us-ofac-sdn',
  list: 'SDN',
  name: 'ACME\u001b[31m TRADING\u001b[0m\u0007 \u202eOCLIM',
  aliases: ['\u001b]0;owned\u0007ALIAS'],
  countries: ['RU'],
  addresses: ['1 Main St\r\u001b[2KFAKE LINE'],
  programs: ['RUSSIA-EO14024'],
});

describe('removeControlCharacters', () => {
  it('removes escape sequences whole, NUL, BEL and DEL, and keeps white space', () => {
    expect(removeControlCharacters('A\u001b[1;31mB\u001b[0m\u0000C\u0007D\u007fE\tF\nG')).toBe('ABCDE\tF\nG');
  });

  it('removes an OSC sequence (window title, hyperlink) up to its terminator', () => {
    expect(removeControlCharacters('x\u001b]0;pwned\u0007y\u001b]8;;https://evil\u001b\\z')).toBe('xyz');
  });

  it('reads C1 characters as the windows-1252 punctuation they were, and drops the undefined ones', () => {
    expect(removeControlCharacters('Xi\u0092an \u0093q\u0094 \u0081')).toBe('Xi\u2019an \u201cq\u201d ');
  });
});

describe('forDisplay', () => {
  it('removes bidi overrides and isolates, and puts every line break on one line', () => {
    expect(forDisplay('ab\u202ecd\u2066e\u2069 f\r\ng\rh')).toBe('abcde f g h');
  });

  it('keeps lines when asked, turning a bare CR (which overwrites the line) into LF', () => {
    expect(forDisplay('one\r\ntwo\rthree', { multiline: true })).toBe('one\ntwo\nthree');
  });
});

describe('truncateText', () => {
  it('never cuts a surrogate pair in half', () => {
    const text = `${'x'.repeat(157)}😀😀`;
    const cut = truncateText(text, 159);
    expect(cut.length).toBeLessThanOrEqual(159);
    expect(cut).not.toMatch(LONE_SURROGATE);
    expect(cut).toBe(`${'x'.repeat(157)}…`);
  });

  it('keeps a letter with its combining accent', () => {
    expect(truncateText('e\u0301'.repeat(10), 6)).toBe('e\u0301e\u0301…');
  });

  it('leaves a text that fits as it is', () => {
    expect(truncateText('short', 5)).toBe('short');
  });
});

describe('renderings of a record full of traps', () => {
  const added = changeEvent('added', hostile);

  it('gives email a text without escape sequences, control characters or bidi overrides', () => {
    const text = renderText(added);
    expect(text).not.toMatch(TERMINAL_CONTROL);
    expect(text).not.toMatch(BIDI_CONTROL);
    expect(text).toContain('ACME TRADING OCLIM');
    expect(text).toContain('1 Main St\nFAKE LINE');
  });

  it('gives the email subject and the SMS one clean line', () => {
    for (const line of [renderSubject(added), renderSms(added)]) {
      expect(line).not.toMatch(TERMINAL_CONTROL);
      expect(line).not.toMatch(BIDI_CONTROL);
      expect(line).not.toContain('\n');
    }
    expect(renderSms(added)).toContain('ACME TRADING OCLIM');
  });

  it('cuts a long SMS between whole characters', () => {
    const emoji = changeEvent('added', { ...hostile, name: `${'A'.repeat(121)}${'😀'.repeat(40)}` });
    const sms = renderSms(emoji);
    expect(sms.length).toBeLessThanOrEqual(159);
    expect(sms).not.toMatch(LONE_SURROGATE);
    expect(sms.endsWith('…')).toBe(true);
  });
});

describe('describeDelivery (the local terminal output)', () => {
  const event = changeEvent('added', hostile);

  it('prints what an email, an SMS and a failed webhook carried without a control character', () => {
    const printed = [
      describeDelivery({
        event,
        delivery: { subscriber: 'ops\u001b[2J', channel: 'email', to: 'a@example.com', text: 'X\u001b[31mY\u0007' },
      }),
      describeDelivery({
        event,
        delivery: { subscriber: 'ops', channel: 'sms', to: '+15550100', text: 'tradewatch: \u202eEVIL\u0000' },
      }),
      describeDelivery({
        event,
        webhook: { delivered: false, attempts: 3, error: 'HTTP 500 \u001b]0;title\u0007' },
        delivery: { subscriber: 'ops', channel: 'webhook', to: 'https://example.com/hook', text: '' },
      }),
    ];
    for (const text of printed) {
      expect(text).not.toMatch(TERMINAL_CONTROL);
      expect(text).not.toMatch(BIDI_CONTROL);
    }
    expect(printed[0]).toContain('XY');
    expect(printed[1]).toContain('tradewatch: EVIL');
    expect(printed[2]).toContain('FAILED: HTTP 500');
  });
});

describe('parseConfig error size', () => {
  const failure = (document: unknown): ConfigError => {
    try {
      parseConfig(document);
    } catch (error) {
      return error as ConfigError;
    }
    throw new Error('the configuration was accepted');
  };
  const keys = (n: number): Record<string, number> =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`bad${i}`, 1]));

  it('lists the first 20 of 10,000 unknown keys and counts the rest', () => {
    const error = failure(keys(10_000));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message.length).toBeLessThan(1000);
    expect(error.message).toContain('bad0: unknown key; ');
    expect(error.message).toContain('bad19: unknown key; … and 9,980 more');
    expect(error.message).not.toContain('bad20:');
    expect(error.issues).toHaveLength(10_000);
  });

  it('refuses 200,000 problems in one list with a ConfigError naming the list, not a stack overflow', () => {
    const entries = Array.from({ length: 200_000 }, () => ({ bad: 1 }));
    const error = failure({
      subscribers: [{ id: 'a', channel: { type: 'email', address: 'a@example.com' }, watchlist: { entries } }],
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('subscribers[0].watchlist.entries holds 200,000 items');
    expect(error.message).toContain('watchlist.file');
  });

  it('still reports every problem of a configuration just under the size bound, bounded', () => {
    const countries = Array.from({ length: 39_000 }, (_, i) => `x${i}`);
    const error = failure({
      subscribers: [{ id: 'a', channel: { type: 'email', address: 'a@example.com' }, filters: { countries } }],
    });
    expect(error.issues.length).toBeGreaterThanOrEqual(39_000);
    expect(error.message).toMatch(/… and [\d,]+ more$/);
    expect(error.message.length).toBeLessThan(5000);
  });

  it('refuses a document nested too deep for the validator', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(failure({ topics: deep }).message).toContain('nested deeper than 32 levels');
  });

  it('shows a key that carries an escape sequence without it', () => {
    const error = failure({ '\u001b[31mred\u0007': 1 });
    expect(error.message).toBe('config: red: unknown key');
  });

  it('bounds the error of the environment copy of the custom sources too', () => {
    const topics = Array.from({ length: 5000 }, () => ({ bad: 1 }));
    const error = (() => {
      try {
        sourcesConfigFromEnv(JSON.stringify({ topics }));
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(error.message).toContain('TRADEWATCH_SOURCES_CONFIG.topics[0]');
    expect(error.message).toMatch(/… and [\d,]+ more$/);
    expect(error.message.length).toBeLessThan(5000);
  });
});
