import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../core/error-codes.js';
import { envelope } from './http-errors.js';

/**
 * The router's own refusals (Fastify's `frameworkErrors`): they happen before any route or
 * error handler, so without this they answer in Fastify's shape instead of the envelope.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_BAD_URL')
    return reply
      .status(400)
      .send(envelope('invalid_path_encoding', 'The path holds a % that does not start valid percent-encoded UTF-8.'));
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return reply
      .status(414)
      .send(envelope('path_parameter_too_long', 'A path parameter is longer than 100 characters.'));
  request.log.error({ err: error }, 'router failed');
  return reply.status(500).send(envelope('internal_error', 'Something went wrong on our side.'));
}

const clientErrorAnswers: Record<string, { status: number; code: ErrorCode; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request_timeout',
    message: 'The request was not received in time.',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'headers_too_large',
    message: 'The request headers are larger than the server accepts.',
  },
};

const malformedRequest = {
  status: 400,
  code: 'bad_request' as const,
  message: 'The request is not well-formed HTTP.',
};

/**
 * Bytes Node's HTTP parser refuses never become a request, so there is no reply object: the
 * answer is written to the socket as a complete HTTP/1.1 response, then the connection closed
 * (what follows on it cannot be trusted to start a new request).
 */
export function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = (error.code && clientErrorAnswers[error.code]) || malformedRequest;
  this.log.debug({ err: error, code: answer.code }, 'malformed request refused');
  // A response already under way on this connection cannot be followed by another status line.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify(envelope(answer.code, answer.message));
    socket.write(
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}
