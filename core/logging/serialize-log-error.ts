/**
 * The `err` serializer of every logger. An error is logged with what an operator needs to act
 * (type, stable code, status, the database's SQLSTATE, constraint and table, the statement's
 * name, stack frames) and never with the values it was carrying: a failed query's message and
 * driver fields hold every parameter (emails, whole provider payloads), and a database
 * `detail` quotes the offending row ("Key (email)=(…) already exists").
 */
export type LoggedError = Record<string, unknown>;

const causeDepthLimit = 4;
const sqlState = /^[0-9A-Z]{5}$/;
/** Context keys of an AppError that may name a person or carry a credential are left out. */
const withheldContextKey = /mail|phone|name|address|token|secret|key|password|card|payload|body/i;

export function serializeLogError(error: unknown): LoggedError {
  return describe(error, 0);
}

function describe(error: unknown, depth: number): LoggedError {
  if (typeof error !== 'object' || error === null) return { type: typeof error, message: String(error) };
  const record = error as Record<string, unknown>;
  const logged: LoggedError = { type: typeName(error) };
  if (isDatabaseError(record)) {
    Object.assign(logged, databaseFields(record));
  } else if (isFailedQuery(record)) {
    const statement = statementName(record.query);
    logged.message = `Failed query: ${statement}`;
    logged.statement = statement;
  } else {
    logged.message = typeof record.message === 'string' ? record.message : String(error);
    for (const field of ['code', 'errno', 'syscall', 'status', 'statusCode', 'retryable', 'requestId'] as const) {
      const value = record[field];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') logged[field] = value;
    }
    const context = safeContext(record.context);
    if (context) logged.context = context;
  }
  const stack = stackFrames(record.stack);
  if (stack) logged.stack = stack;
  if (record.cause !== undefined && depth < causeDepthLimit) logged.cause = describe(record.cause, depth + 1);
  // Some clients (grammY's HttpError) keep the underlying failure in `error` rather than `cause`.
  if (record.error instanceof Error && depth < causeDepthLimit) logged.error = describe(record.error, depth + 1);
  return logged;
}

const typeName = (error: object): string => {
  const name = (error as { name?: unknown }).name;
  const constructorName = error.constructor?.name;
  // Bundled drivers minify their class names ("O"): a real name says more.
  if (constructorName && constructorName.length > 2 && constructorName !== 'Object' && constructorName !== 'Error')
    return constructorName;
  return typeof name === 'string' && name !== '' ? name : 'Error';
};

/** drizzle's DrizzleQueryError: the SQL text and its parameters, both in its message. */
const isFailedQuery = (record: Record<string, unknown>): record is Record<string, unknown> & { query: string } =>
  typeof record.query === 'string' && Array.isArray(record.params);

/** A PostgreSQL error from postgres.js (PostgresError) or PGlite (pg-protocol's DatabaseError). */
const isDatabaseError = (record: Record<string, unknown>) =>
  typeof record.code === 'string' && sqlState.test(record.code) && typeof record.severity === 'string';

function databaseFields(record: Record<string, unknown>): LoggedError {
  const text = (...names: string[]) => {
    for (const name of names) if (typeof record[name] === 'string' && record[name] !== '') return record[name];
    return undefined;
  };
  const fields: LoggedError = {
    message: typeof record.message === 'string' ? withoutQuotedValue(record.message) : 'database error',
    code: record.code,
    severity: record.severity,
    constraint: text('constraint_name', 'constraint'),
    table: text('table_name', 'table'),
    column: text('column_name', 'column'),
    routine: text('routine'),
  };
  if (typeof record.query === 'string') fields.statement = statementName(record.query);
  for (const [name, value] of Object.entries(fields)) if (value === undefined) delete fields[name];
  return fields;
}

/**
 * Names a statement by its verb and first table (`insert payment_events`), which is all an
 * operator needs to find it, and never includes a literal that was written into the SQL.
 */
export function statementName(query: string): string {
  const verb = /^\s*([A-Za-z]+)/.exec(query)?.[1]?.toLowerCase() ?? 'query';
  const table = /\b(?:into|from|update)\s+"?([A-Za-z_][A-Za-z0-9_.]*)"?/i.exec(query)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/** `invalid input syntax for type uuid: "<what the caller sent>"`: the value goes, the kind stays. */
const withoutQuotedValue = (message: string) => message.replace(/: "[^"]*"$/, ': "[redacted]"');

const stackFrames = (stack: unknown): string | undefined => {
  if (typeof stack !== 'string') return undefined;
  // The first lines of a stack repeat the message (and a failed query's parameters): keep frames only.
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length > 0 ? frames.slice(0, 12).join('\n') : undefined;
};

function safeContext(context: unknown): LoggedError | undefined {
  if (typeof context !== 'object' || context === null || Array.isArray(context)) return undefined;
  const kept: LoggedError = {};
  for (const [key, value] of Object.entries(context)) {
    if (withheldContextKey.test(key)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null)
      kept[key] = value;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}
