import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../functions/config/config.ts';
import {
  reviewPageConfigEnv,
  reviewPageConfigFromEnv,
  reviewPageSignInFromJson,
} from '../../functions/config/review-page-env.ts';

const subscribers = [
  { id: 'cn-desk', channel: { type: 'email', address: 'cn@example.com' } },
  { id: 'ru-desk', channel: { type: 'email', address: 'ru@example.com' } },
];

describe('configuration reviewPage', () => {
  it('is off, with no reviewers and optional MFA, unless the file says otherwise', () => {
    expect(parseConfig({ subscribers }).reviewPage).toEqual({ enabled: false, reviewers: [], mfa: 'optional' });
  });

  it('takes reviewers with their subscribers or "all", and required MFA', () => {
    const config = parseConfig({
      subscribers,
      reviewPage: {
        enabled: true,
        mfa: 'required',
        reviewers: [
          { email: 'analyst@example.com', subscribers: ['cn-desk'], name: 'Ana' },
          { email: 'lead@example.com', subscribers: 'all' },
        ],
      },
    });

    expect(config.reviewPage.mfa).toBe('required');
    expect(config.reviewPage.reviewers.map((r) => r.subscribers)).toEqual([['cn-desk'], 'all']);
  });

  it('refuses a reviewer of an unknown subscriber, a duplicate address, and an enabled page without reviewers', () => {
    const bad = (reviewPage: unknown) => () => parseConfig({ subscribers, reviewPage });

    expect(bad({ enabled: true, reviewers: [{ email: 'a@example.com', subscribers: ['cn-dsk'] }] })).toThrow(
      'reviewPage.reviewers[0].subscribers[0]: unknown subscriber "cn-dsk" (known: cn-desk, ru-desk)',
    );
    expect(
      bad({
        enabled: true,
        reviewers: [
          { email: 'a@example.com', subscribers: 'all' },
          { email: 'A@Example.com', subscribers: ['ru-desk'] },
        ],
      }),
    ).toThrow('reviewPage.reviewers[1].email: duplicate reviewer "A@Example.com" (also reviewers[0])');
    expect(bad({ enabled: true })).toThrow('reviewPage.reviewers: an enabled review page needs a reviewer');
    expect(bad({ enabled: true, mfa: 'sms', reviewers: [{ email: 'a@example.com', subscribers: 'all' }] })).toThrow(
      /reviewPage\.mfa/,
    );
  });

  it('reaches the function as a document that parses back to the same sources, subscribers and reviewers', () => {
    const config = loadConfig('tradewatch.config.example.json');

    const back = reviewPageConfigFromEnv(reviewPageConfigEnv(config));

    expect(back.sources).toEqual(config.sources);
    expect(back.customSources).toEqual(config.customSources);
    expect(back.subscribers).toEqual(config.subscribers);
    expect(back.reviewPage).toEqual(config.reviewPage);
  });

  it('refuses sign-in settings that miss a field, naming the parameter and the field', () => {
    expect(() =>
      reviewPageSignInFromJson('{"userPoolId":"p","clientId":"c","signInOrigin":"https://x"}', '/tw/sign-in'),
    ).toThrow('SSM parameter /tw/sign-in must be a JSON object with the strings pageOrigin');
    expect(() => reviewPageSignInFromJson('not json', '/tw/sign-in')).toThrow(/not valid JSON/);
  });
});
