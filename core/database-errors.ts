import { AppError } from './errors.js';

/**
 * PostgreSQL data exceptions (SQLSTATE class 22) that a caller's value causes, with what to
 * tell them. Division by zero and the like are also class 22 but our own bugs, so they are not
 * listed and stay 500s.
 */
const valueRefusals: Record<string, string> = {
  '22001': 'A value is longer than the database allows.',
  '22003': 'A number is out of the range the database allows.',
  '22007': 'A date or time is not in a form the database reads.',
  '22008': 'A date or time is out of the range the database allows.',
  '22021': 'A value holds a NUL character or bytes that are not UTF-8.',
  '22P02': 'A value is not in the form the database needs (a malformed id or number, or a lone UTF-16 surrogate).',
  '22P05': 'A value holds a character the database cannot store (a NUL character).',
};

/** Drivers put the SQLSTATE on their own error; drizzle wraps that error as the cause of its own. */
function sqlStateOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}

/**
 * The last line of defence behind the edge schemas (core/validation/edge-text.ts): a value the
 * database refused is the caller's mistake, so it answers 400 `unstorable_value`, never 500.
 * The message names no value, so nothing the caller sent is echoed back. Undefined for any
 * other failure.
 */
export function databaseDataError(error: unknown): AppError | undefined {
  const sqlState = sqlStateOf(error);
  const message = sqlState === undefined ? undefined : valueRefusals[sqlState];
  if (message === undefined) return undefined;
  return new AppError('unstorable_value', message, {
    status: 400,
    context: { sqlstate: sqlState },
    cause: error,
  });
}
