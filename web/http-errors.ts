import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { databaseDataError } from '../core/database-errors.js';
import { databaseRetryAfterSeconds, isDatabaseUnavailable } from '../core/database-unavailable.js';
import type { ErrorCode } from '../core/error-codes.js';
import { isAppError } from '../core/errors.js';

/** Every error answer has this shape; `code` is stable and documented, `message` is for people. */
export interface ErrorEnvelope {
  error: { code: string; message: string; details?: unknown };
}

export const envelope = (code: ErrorCode, message: string, details?: unknown): ErrorEnvelope => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Fastify's own errors, mapped to stable codes instead of leaking framework names. */
const frameworkCodes: Record<string, { status: number; code: ErrorCode }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length' },
};

export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.status(400).send(
        envelope(
          'invalid_request',
          'The request does not match the expected shape.',
          error.validation.map((issue) => ({
            in: error.validationContext,
            path: issue.instancePath,
            message: issue.message,
          })),
        ),
      );
    }
    if (error instanceof ZodError)
      return reply
        .status(400)
        .send(envelope('invalid_request', 'The request does not match the expected shape.', error.issues));
    if (isAppError(error)) {
      if (error.status >= 500) request.log.error({ err: error, code: error.code }, error.message);
      if (error.retryable && error.status >= 500) reply.header('retry-after', '5');
      const details = Object.keys(error.context).length ? error.context : undefined;
      return reply.status(error.status).send(envelope(error.code, error.message, details));
    }
    const refusedValue = databaseDataError(error);
    if (refusedValue) {
      // An edge schema should have refused this value first: warn, so the gap gets closed.
      request.log.warn({ err: error, code: refusedValue.code }, 'the database refused a value the edge let through');
      return reply.status(400).send(envelope(refusedValue.code, refusedValue.message, refusedValue.context));
    }
    const mapped = error.code ? frameworkCodes[error.code] : undefined;
    if (mapped) return reply.status(mapped.status).send(envelope(mapped.code, error.message));
    if (error instanceof SyntaxError || error.statusCode === 400)
      return reply.status(400).send(envelope('invalid_json', 'The request body is not valid JSON.'));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
      return reply.status(error.statusCode).send(envelope('bad_request', error.message));
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', String(databaseRetryAfterSeconds));
      return reply
        .status(503)
        .send(envelope('database_unavailable', 'The database does not answer right now; retry shortly.'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(envelope('internal_error', 'Something went wrong on our side.'));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(envelope('route_not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`)),
  );
}
