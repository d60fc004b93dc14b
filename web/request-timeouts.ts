import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import type { Config } from '../core/config.js';

type TimeoutOptions = Pick<FastifyHttpOptions<Server>, 'requestTimeout' | 'http'>;

/**
 * Slow-loris protection: a client that announces more bytes than it sends, or trickles its
 * headers, would otherwise hold a socket for as long as it likes (Fastify turns Node's request
 * timeout off). Only the receiving of the request is bounded; a slow handler is not cut off.
 */
export function requestTimeoutOptions(config: Pick<Config, 'REQUEST_TIMEOUT_MS' | 'REQUEST_HEADERS_TIMEOUT_MS'>) {
  const requestTimeout = config.REQUEST_TIMEOUT_MS;
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeout = Math.min(config.REQUEST_HEADERS_TIMEOUT_MS, requestTimeout);
  return {
    requestTimeout,
    http: {
      headersTimeout,
      // Node only notices expired requests when it sweeps its connections (every 30 s by default),
      // which would let a stalled request live up to 30 s past its timeout.
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
  } satisfies TimeoutOptions;
}
