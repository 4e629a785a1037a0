/**
 * The one address guard of every outgoing request (sources, each redirect hop, discovered links,
 * follow-ups, webhooks) and of the configuration check: nothing is sent to a private, loopback,
 * link-local, shared (CGNAT), multicast, reserved or unspecified address, however it is spelled,
 * unless `allowPrivateHosts` is set (local testing, explicitly trusted configuration).
 *
 * Two places, because neither alone is enough:
 * - the URL: WHATWG URL parsing already turns every IPv4 spelling (`2130706433`, `0x7f000001`,
 *   `0177.0.0.1`, `127.1`) into dotted decimal and every IPv6 spelling into its compressed form,
 *   and Node connects to an address literal without any lookup, so a literal is judged here;
 * - the connection: a host name is judged by the answers of the very lookup the socket connects
 *   with (`guardedLookup`), every answer, so neither a name that resolves to 127.0.0.1 nor one
 *   that resolves differently between a check and the connection (DNS rebinding) gets through.
 *
 * IPv6 addresses that carry an IPv4 address (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`,
 * NAT64 `64:ff9b::/96`, 6to4 `2002:AABB:CCDD::/48`) are judged by the IPv4 address they carry.
 * The tables are IANA's special-purpose registries, kept to what can never be a publisher.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** [network, prefix length, what it is], IPv4 (RFC 6890 and successors). */
const BLOCKED_V4: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared, CGNAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local, cloud metadata'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved, broadcast'],
];

/** The same for IPv6; ranges that carry an IPv4 address are judged by it instead (below). */
const BLOCKED_V6: readonly (readonly [string, number, string])[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard-only'],
  ['2001::', 32, 'Teredo tunnel'],
  ['2001:2::', 48, 'benchmarking'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
  ['5f00::', 16, 'segment routing'],
  ['fc00::', 7, 'unique-local, private'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

function blockList(table: readonly (readonly [string, number, string])[], family: 'ipv4' | 'ipv6') {
  return table.map(([network, prefix, what]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, what: `${what}, ${network}/${prefix}` };
  });
}
const V4 = blockList(BLOCKED_V4, 'ipv4');
const V6 = blockList(BLOCKED_V6, 'ipv6');

/** The 16 bytes of an IPv6 address (any valid spelling, with or without a zone), or undefined. */
export function ipv6Bytes(address: string): Uint8Array | undefined {
  let text = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(text) !== 6) return undefined;
  const bytes = new Uint8Array(16);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

const zeros = (bytes: Uint8Array, from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
const dottedAt = (bytes: Uint8Array, at: number) => [...bytes.slice(at, at + 4)].join('.');

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIpv4(bytes: Uint8Array): string | undefined {
  if (zeros(bytes, 0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return dottedAt(bytes, 12); // ::ffff:0:0/96
  if (zeros(bytes, 0, 12)) return dottedAt(bytes, 12); // ::/96, IPv4-compatible (:: and ::1 are judged before)
  if (zeros(bytes, 0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zeros(bytes, 10, 12)) return dottedAt(bytes, 12); // ::ffff:0:0:0/96 (SIIT)
  const nat64 = bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b;
  if (nat64 && zeros(bytes, 4, 12)) return dottedAt(bytes, 12); // 64:ff9b::/96
  if (nat64 && bytes[4] === 0x00 && bytes[5] === 0x01) return dottedAt(bytes, 12); // 64:ff9b:1::/48, local-use
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return dottedAt(bytes, 2); // 2002::/16, 6to4
  return undefined;
}

/**
 * Why an address literal must not be connected to (`loopback, 127.0.0.0/8`), or undefined when it
 * is a public address. Something that is no address at all is refused too.
 */
export function blockedAddressReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare.replace(/%.*$/, ''));
  if (family === 4) return V4.find(({ list }) => list.check(bare, 'ipv4'))?.what;
  if (family !== 6) return `not an IP address`;
  const bytes = ipv6Bytes(bare)!;
  const canonical = [...Array(8).keys()].map((i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(':');
  const own = V6.find(({ list }) => list.check(canonical, 'ipv6'))?.what;
  if (own !== undefined) return own;
  const carried = embeddedIpv4(bytes);
  const inner = carried === undefined ? undefined : blockedAddressReason(carried);
  return inner === undefined ? undefined : `${inner}, carried in IPv6`;
}

/** How a refused address is called in messages, whatever range it is in. */
const NOT_PUBLIC = 'a private, loopback or link-local address';

/** True for any address the guard refuses. */
export function isPrivateAddress(address: string): boolean {
  return blockedAddressReason(address) !== undefined;
}

/**
 * Why the host of a URL is refused without any lookup: an address literal the guard refuses, or a
 * name that always means this machine (`localhost`, `*.localhost`). Undefined otherwise: a name is
 * judged by what it resolves to, at connection time.
 */
export function hostProblem(hostname: string): string | undefined {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (isIP(host.replace(/%.*$/, ''))) {
    const reason = blockedAddressReason(host);
    return reason === undefined ? undefined : `${host} is ${NOT_PUBLIC} (${reason})`;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is ${NOT_PUBLIC} (a name of this machine)`;
  return undefined;
}

/** What urlProblem says of a URL that is not https. */
export const NOT_TLS = 'must use https';

/**
 * Why a URL must not be requested (wrong scheme, credentials, refused host), or undefined. With
 * `allowPrivateHosts`, http and private hosts pass; credentials never do.
 */
export function urlProblem(url: URL, allowPrivateHosts: boolean): string | undefined {
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol !== 'https:' && !(allowPrivateHosts && url.protocol === 'http:'))
    return allowPrivateHosts ? `${url.protocol} is not fetched (http or https only)` : NOT_TLS;
  return allowPrivateHosts ? undefined : hostProblem(url.hostname);
}

/** A lookup answer the guard refused: the connection is never opened. */
export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS';
  readonly hostname: string;
  readonly address: string;
  constructor(hostname: string, address: string, reason: string) {
    super(`${hostname} resolves to ${address}, ${NOT_PUBLIC} (${reason})`);
    this.name = 'BlockedAddressError';
    this.hostname = hostname;
    this.address = address;
  }
}

/** A resolver answering every address of a name (dns.lookup with `all: true`). */
export type AllAddressesLookup = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for sockets that resolves every address of the name, refuses the connection when any
 * of them is one the guard refuses (a name with one private answer is not a public host), and
 * otherwise answers as the socket asked (one address, or all for Happy Eyeballs).
 * @param resolve the resolver asked. @default node's dns.lookup
 */
export function guardedLookup(resolve: AllAddressesLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      for (const { address } of addresses) {
        const reason = blockedAddressReason(address);
        if (reason !== undefined) return callback(new BlockedAddressError(hostname, address, reason), '', 0);
      }
      if (addresses.length === 0) {
        const none: NodeJS.ErrnoException = Object.assign(new Error(`${hostname} has no address`), {
          code: 'ENOTFOUND',
        });
        return callback(none, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
