import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { readFixture, readJsonFixture } from '../../../core/testing/fixtures.js';

/** One of Discord's signed examples in test-fixtures/discord/signed. */
export interface SignedInteractionFixture {
  public_key_hex: string;
  private_key_seed_hex: string;
  raw_body_file: string;
  headers: Record<string, string>;
}

/** An Ed25519 private key in PKCS8 DER is this fixed prefix followed by the 32-byte seed. */
const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

export const privateKeyFromSeed = (seedHex: string): KeyObject =>
  createPrivateKey({
    key: Buffer.concat([pkcs8Ed25519Prefix, Buffer.from(seedHex, 'hex')]),
    format: 'der',
    type: 'pkcs8',
  });

export function readSignedFixture(name: string): { fixture: SignedInteractionFixture; rawBody: string } {
  const fixture = readJsonFixture<SignedInteractionFixture>('discord', 'signed', `${name}.json`);
  const rawBody = readFixture('discord', 'signed', fixture.raw_body_file);
  return { fixture, rawBody };
}

/** The fixtures' test application: its public key goes into DISCORD_PUBLIC_KEY. */
export const testApplicationKeys = (() => {
  const { fixture } = readSignedFixture('ping');
  return { publicKeyHex: fixture.public_key_hex, privateKey: privateKeyFromSeed(fixture.private_key_seed_hex) };
})();

/** The headers Discord would send with this body: hex(Ed25519(timestamp + body)). */
export function signInteraction(
  rawBody: string,
  timestamp: Date,
  privateKey: KeyObject = testApplicationKeys.privateKey,
): Record<string, string> {
  const seconds = String(Math.floor(timestamp.getTime() / 1000));
  const signature = sign(null, Buffer.from(seconds + rawBody, 'utf8'), privateKey).toString('hex');
  return {
    'content-type': 'application/json',
    'x-signature-ed25519': signature,
    'x-signature-timestamp': seconds,
  };
}
