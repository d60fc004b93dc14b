import type { ErrorCode } from './error-codes.js';

/**
 * Every failure the product reports carries a stable `code` that clients can switch on,
 * an HTTP status for the web edge, and whether trying again later can succeed.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly context: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { status?: number; retryable?: boolean; context?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? 500;
    this.retryable = options.retryable ?? false;
    this.context = options.context ?? {};
  }
}

export const badRequest = (code: ErrorCode, message: string, context?: Record<string, unknown>) =>
  new AppError(code, message, { status: 400, context });

export const notFound = (code: ErrorCode, message: string, context?: Record<string, unknown>) =>
  new AppError(code, message, { status: 404, context });

export const conflict = (code: ErrorCode, message: string, context?: Record<string, unknown>) =>
  new AppError(code, message, { status: 409, context });

/** Something this event or job needs has not happened yet; the caller should retry later. */
export const notYet = (code: ErrorCode, message: string, context?: Record<string, unknown>) =>
  new AppError(code, message, { status: 503, retryable: true, context });

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
