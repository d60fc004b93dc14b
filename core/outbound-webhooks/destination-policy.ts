import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { ErrorCode } from '../error-codes.js';
import { AppError } from '../errors.js';

/**
 * Where a member's endpoint may point. Webhooks are requests our servers make on a member's
 * behalf, so an endpoint must not reach our own network (SSRF): HTTPS to public addresses
 * only. The address is checked when the endpoint is saved and again on every connection
 * (the lookup below), so a name that later resolves to 10.0.0.1 is refused at send time.
 */
export interface DestinationPolicy {
  /** Tests and local development: http and https to loopback (127.0.0.0/8, ::1) only. */
  allowLoopback: boolean;
}

const invalidUrl = (message: string, code: ErrorCode = 'webhook_url_invalid') =>
  new AppError(code, message, { status: 422 });

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Every range that is not the public internet (RFC 6890 special-purpose, multicast, reserved). */
const nonPublic = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const)
  nonPublic.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  nonPublic.addSubnet(network, prefix, 'ipv6');

const mappedIpv4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** True when a connection to this address is allowed. */
export function isAllowedAddress(address: string, policy: DestinationPolicy): boolean {
  const mapped = mappedIpv4.exec(address)?.[1];
  if (mapped) return isAllowedAddress(mapped, policy);
  const family = isIP(address);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (policy.allowLoopback && loopback.check(address, type)) return true;
  return !nonPublic.check(address, type);
}

const isLoopbackAddress = (address: string) => {
  const family = isIP(address);
  return family !== 0 && loopback.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

/** The URL as stored: parsed, HTTPS (or loopback http when allowed), no credentials, no fragment. */
export function parseEndpointUrl(raw: string, policy: DestinationPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidUrl('The endpoint URL is not a valid URL.');
  }
  if (url.username || url.password) throw invalidUrl('The endpoint URL must not carry credentials.');
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalidUrl('The endpoint URL must use https.', 'webhook_url_not_https');
  if (url.protocol === 'http:' && !policy.allowLoopback)
    throw invalidUrl('The endpoint URL must use https.', 'webhook_url_not_https');
  url.hash = '';
  return url;
}

type AddressLookup = (hostname: string) => Promise<LookupAddress[]>;

const systemLookup: AddressLookup = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Resolves the endpoint's host and refuses it when any address is not public (one private
 * answer is enough: a resolver may hand out either). http is only for loopback targets.
 */
export async function checkDestination(url: URL, policy: DestinationPolicy, lookup: AddressLookup = systemLookup) {
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host)).map((entry) => entry.address);
    } catch {
      throw invalidUrl(`The endpoint host "${host}" does not resolve.`, 'webhook_url_unresolvable');
    }
  }
  if (addresses.length === 0 || addresses.some((address) => !isAllowedAddress(address, policy)))
    throw invalidUrl('The endpoint URL points at a private or reserved address.', 'webhook_url_private');
  if (url.protocol === 'http:' && !addresses.every(isLoopbackAddress))
    throw invalidUrl('The endpoint URL must use https.', 'webhook_url_not_https');
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request / net.connect that only ever hands the socket allowed
 * addresses: the connection goes to the very address that was checked (no DNS rebinding).
 */
export function guardedLookup(policy: DestinationPolicy) {
  return (hostname: string, options: { all?: boolean } | number, callback: LookupCallback) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const allowed = addresses.filter((entry) => isAllowedAddress(entry.address, policy));
      if (allowed.length === 0 || allowed.length !== addresses.length) {
        const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to a private or reserved address`);
        refused.code = 'EWEBHOOKPRIVATE';
        return callback(refused, '');
      }
      if (typeof options === 'object' && options.all) return callback(null, allowed);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
