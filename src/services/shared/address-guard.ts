import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Only public unicast addresses may be reached by a URL someone else chose. The ranges are
 * ipaddr.js' maintained list (loopback, private, link-local, carrier-grade NAT, TEST-NETs and other
 * reserved blocks, multicast, 6to4, Teredo, NAT64, IPv4-mapped and -compatible forms of all of
 * them …) rather than a hand-kept one; anything it cannot parse is refused too.
 */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  // `process` unwraps ::ffff:a.b.c.d to the IPv4 address it stands for.
  const ip = ipaddr.process(address);
  // ipaddr.js counts the deprecated IPv4-compatible ::/96 ([::127.0.0.1] is ::7f00:1) as unicast.
  return ip.range() !== 'unicast' || (ip.kind() === 'ipv6' && ip.match(IPV4_COMPATIBLE));
}

const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

export class ForbiddenAddress extends Error {
  readonly address: string;
  constructor(address: string) {
    super(`address ${address} is private, loopback or link-local`);
    this.address = address;
  }
}

/**
 * A DNS lookup for http(s) requests that refuses private answers. Checking at connect time (not
 * before the request) closes the DNS-rebinding gap between a check and the connection.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(Object.assign(new ForbiddenAddress(bad.address), { code: 'EFORBIDDENADDRESS' }), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    const first = list[0]!;
    callback(null, first.address, first.family);
  });
};
