import { describe, expect, it } from 'vitest';
import { checkDestination, isAllowedAddress, parseEndpointUrl } from './destination-policy.js';

const strict = { allowLoopback: false };
const local = { allowLoopback: true };
const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses.map((address) => ({ address, family: 4 }));

describe('destination policy', () => {
  it.each([
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
  ])('refuses the non-public address %s', (address) => {
    expect(isAllowedAddress(address, strict)).toBe(false);
  });

  it.each(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'])('allows the public address %s', (address) => {
    expect(isAllowedAddress(address, strict)).toBe(true);
  });

  it('the loopback flag opens loopback only, never the private ranges', () => {
    expect(isAllowedAddress('127.0.0.1', local)).toBe(true);
    expect(isAllowedAddress('::1', local)).toBe(true);
    expect(isAllowedAddress('10.0.0.1', local)).toBe(false);
    expect(isAllowedAddress('169.254.169.254', local)).toBe(false);
  });

  it('http is refused unless loopback is allowed, and credentials always', () => {
    expect(() => parseEndpointUrl('http://example.com/hook', strict)).toThrow(
      expect.objectContaining({ code: 'webhook_url_not_https', status: 422 }),
    );
    expect(() => parseEndpointUrl('https://user:pass@example.com/hook', strict)).toThrow(
      expect.objectContaining({ code: 'webhook_url_invalid' }),
    );
    expect(() => parseEndpointUrl('ftp://example.com/hook', local)).toThrow(
      expect.objectContaining({ code: 'webhook_url_not_https' }),
    );
    expect(parseEndpointUrl('https://example.com/hook#x', strict).toString()).toBe('https://example.com/hook');
  });

  it('a host that resolves to any private address is refused', async () => {
    const url = parseEndpointUrl('https://hooks.example.com/in', strict);
    await expect(checkDestination(url, strict, resolvesTo('93.184.215.14', '10.0.0.5'))).rejects.toMatchObject({
      code: 'webhook_url_private',
    });
    await expect(checkDestination(url, strict, resolvesTo('93.184.215.14'))).resolves.toBeUndefined();
  });

  it('a literal loopback or metadata address is refused without the flag', async () => {
    await expect(checkDestination(new URL('https://127.0.0.1/x'), strict)).rejects.toMatchObject({
      code: 'webhook_url_private',
    });
    await expect(checkDestination(new URL('https://[::1]/x'), strict)).rejects.toMatchObject({
      code: 'webhook_url_private',
    });
    await expect(checkDestination(new URL('https://169.254.169.254/latest'), local)).rejects.toMatchObject({
      code: 'webhook_url_private',
    });
  });

  it('with the flag, http is allowed to loopback but not to a public host', async () => {
    await expect(checkDestination(new URL('http://127.0.0.1:9999/x'), local)).resolves.toBeUndefined();
    await expect(
      checkDestination(new URL('http://hooks.example.com/x'), local, resolvesTo('93.184.215.14')),
    ).rejects.toMatchObject({ code: 'webhook_url_not_https' });
  });

  it('a host that does not resolve is refused with its own code', async () => {
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    await expect(checkDestination(new URL('https://nowhere.invalid/x'), strict, failing)).rejects.toMatchObject({
      code: 'webhook_url_unresolvable',
    });
  });
});
