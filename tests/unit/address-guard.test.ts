import { describe, expect, it } from 'vitest';
import {
  blockedAddressReason,
  guardedLookup,
  hostProblem,
  ipv6Bytes,
  isPrivateAddress,
  type AllAddressesLookup,
} from '../../functions/http/address-guard.ts';
import { parseConfig } from '../../functions/config/config.ts';
import { ConfigError } from '../../functions/core/errors.ts';

describe('blockedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback, 127.0.0.0/8'],
    ['0.0.0.0', 'unspecified, 0.0.0.0/8'],
    ['10.9.8.7', 'private, 10.0.0.0/8'],
    ['172.31.255.255', 'private, 172.16.0.0/12'],
    ['192.168.1.1', 'private, 192.168.0.0/16'],
    ['169.254.169.254', 'link-local, cloud metadata, 169.254.0.0/16'],
    ['100.64.0.1', 'shared, CGNAT, 100.64.0.0/10'],
    ['100.127.255.255', 'shared, CGNAT, 100.64.0.0/10'],
    ['224.0.0.251', 'multicast, 224.0.0.0/4'],
    ['255.255.255.255', 'reserved, broadcast, 240.0.0.0/4'],
    ['192.0.2.1', 'documentation, 192.0.2.0/24'],
    ['::', 'unspecified, ::/128'],
    ['::1', 'loopback, ::1/128'],
    ['0:0:0:0:0:0:0:1', 'loopback, ::1/128'],
    ['fe80::1', 'link-local, fe80::/10'],
    ['fe80::1%eth0', 'link-local, fe80::/10'],
    ['febf::1', 'link-local, fe80::/10'],
    ['fc00::1', 'unique-local, private, fc00::/7'],
    ['fdff::1', 'unique-local, private, fc00::/7'],
    ['ff02::1', 'multicast, ff00::/8'],
    ['::ffff:127.0.0.1', 'loopback, 127.0.0.0/8, carried in IPv6'],
    ['::ffff:7f00:1', 'loopback, 127.0.0.0/8, carried in IPv6'],
    ['0:0:0:0:0:ffff:127.0.0.1', 'loopback, 127.0.0.0/8, carried in IPv6'],
    ['::FFFF:A9FE:A9FE', 'link-local, cloud metadata, 169.254.0.0/16, carried in IPv6'],
    ['::127.0.0.1', 'loopback, 127.0.0.0/8, carried in IPv6'],
    ['::ffff:0:10.0.0.1', 'private, 10.0.0.0/8, carried in IPv6'],
    ['64:ff9b::127.0.0.1', 'loopback, 127.0.0.0/8, carried in IPv6'],
    ['64:ff9b::a9fe:a9fe', 'link-local, cloud metadata, 169.254.0.0/16, carried in IPv6'],
    ['64:ff9b:1::10.0.0.1', 'private, 10.0.0.0/8, carried in IPv6'],
    ['2002:7f00:1::', 'loopback, 127.0.0.0/8, carried in IPv6'],
    ['2002:c0a8:101::1', 'private, 192.168.0.0/16, carried in IPv6'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo tunnel, 2001::/32'],
    ['2001:db8::1', 'documentation, 2001:db8::/32'],
    ['not-an-address', 'not an IP address'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('lets the public address %s through', (address) => {
    expect(blockedAddressReason(address)).toBeUndefined();
  });

  it('reads every IPv6 spelling to the same bytes', () => {
    const expected = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0x7f, 0, 0, 1];
    for (const spelling of ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '[::FFFF:7F00:0001]'])
      expect([...ipv6Bytes(spelling)!]).toEqual(expected);
  });
});

describe('hostProblem on URL hosts (after WHATWG URL parsing)', () => {
  it.each([
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:7f00:1]/',
    'https://[0:0:0:0:0:ffff:127.0.0.1]/',
    'https://2130706433/',
    'https://0x7f000001/',
    'https://0177.0.0.1/',
    'https://127.1/',
    'https://0/',
    'https://0.0.0.0/',
    'https://[::]/',
    'https://LOCALHOST./',
    'https://api.localhost/',
  ])('refuses %s', (url) => {
    expect(hostProblem(new URL(url).hostname)).toMatch(/ is a private, loopback or link-local address \(/);
  });

  it('leaves a host name to be judged at connection time', () => {
    expect(hostProblem('www.treasury.gov')).toBeUndefined();
  });
});

describe('guardedLookup', () => {
  const answering =
    (...addresses: string[]): AllAddressesLookup =>
    (_host, options, callback) => {
      expect(options.all).toBe(true);
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    };
  const look = (resolve: AllAddressesLookup, all: boolean) =>
    new Promise<unknown>((done, fail) =>
      guardedLookup(resolve)('publisher.test', { all }, (error, address) => (error ? fail(error) : done(address))),
    );

  it('answers as the socket asked when every address is public', async () => {
    await expect(look(answering('93.184.216.34', '2606:2800::1'), false)).resolves.toBe('93.184.216.34');
    await expect(look(answering('93.184.216.34', '2606:2800::1'), true)).resolves.toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800::1', family: 6 },
    ]);
  });

  it('refuses the name when any one answer is private, whichever family the socket asked for', async () => {
    await expect(look(answering('93.184.216.34', '::ffff:169.254.169.254'), false)).rejects.toThrow(
      'publisher.test resolves to ::ffff:169.254.169.254, a private, loopback or link-local address (link-local, cloud metadata, 169.254.0.0/16, carried in IPv6)',
    );
  });
});

describe('the configuration check', () => {
  const SECRET = { env: 'HOOK_SECRET' };
  const failure = (input: unknown) => {
    try {
      parseConfig(input);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return 'no error';
  };

  it.each([
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[0:0:0:0:0:ffff:127.0.0.1]',
    '[64:ff9b::a9fe:a9fe]',
    '2130706433',
  ])('refuses a webhook on %s', (host) => {
    const message = failure({
      subscribers: [{ id: 'hook', channel: { type: 'webhook', url: `https://${host}:8443/in`, secret: SECRET } }],
    });
    expect(message).toMatch(
      /^config: subscribers\[0\]\.channel\.url: \S+ is a private, loopback or link-local address \(.*\): set "allowPrivateHosts": true/,
    );
  });

  it('refuses a custom source on an IPv4-mapped loopback address', () => {
    const message = failure({
      customSources: [
        { id: 'my-feed', title: 'My feed', kind: 'feed', format: 'rss', url: 'https://[::ffff:127.0.0.1]:8443/feed' },
      ],
    });
    expect(message).toMatch(
      /^config: customSources\[0\]\.url: ::ffff:7f00:1 is a private, loopback or link-local address \(loopback, 127\.0\.0\.0\/8, carried in IPv6\)/,
    );
  });
});
