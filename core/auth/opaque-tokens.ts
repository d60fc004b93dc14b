import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, readable in a URL. Only the hash is ever stored. */
export const newOpaqueToken = (marker: string) => `${marker}${randomBytes(32).toString('base64url')}`;

export const hashOpaqueToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export const loginTokenMarker = 'lt_';
export const refreshTokenMarker = 'rt_';
