import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyThroughApi, memberOn } from '../core/auth/testing/api-test-kit.js';
import { errorCodes } from '../core/error-codes.js';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import {
  encodeSegment,
  type FuzzRequest,
  hostileString,
  type KnownValues,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  requestFor,
} from './testing/openapi-request-arbitrary.js';

/** Seeded, so a failure found in CI is found again locally with the same seed. */
const seed = Number(process.env.FUZZ_SEED ?? 102_024);
const runs = Number(process.env.FUZZ_RUNS ?? 4_000);
/** A bound on time as well as runs: on a busy machine fewer cases run, never a timeout. */
const timeLimitMs = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 50_000);

/** A request that never answers is a failure too (a deadlock holds every later request behind it). */
const answerTimeoutMs = 5_000;

async function answeredWithin<T>(limitMs: number, answer: Promise<T>, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), limitMs);
  });
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Violation {
  request: FuzzRequest;
  status: number;
  body: string;
  problem: string;
}

/** What the guarantee says of one answer; undefined when it holds. */
function problemWith(request: FuzzRequest, status: number, contentType: string, body: string): string | undefined {
  if (status >= 500) return `a ${status}`;
  if (status < 400 || request.method === 'HEAD') return undefined;
  if (!contentType.startsWith('application/json')) return `a ${status} answered as ${contentType || 'no type'}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `a ${status} whose body is not JSON`;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  if (Object.keys(parsed as object).join() !== 'error' || typeof error?.message !== 'string')
    return `a ${status} outside the envelope`;
  if (typeof error.code !== 'string' || !(error.code in errorCodes))
    return `a ${status} with unregistered code ${error.code}`;
  return undefined;
}

const describeRequest = (request: FuzzRequest) =>
  `${request.method} ${JSON.stringify(request.url).slice(0, 200)} ${request.payload === undefined ? '' : JSON.stringify(request.payload).slice(0, 200)}`;

/**
 * No input gives a 5xx, and every refusal is the envelope `{ error: { code, message } }` with a
 * registered code: random and hostile requests for every operation in the OpenAPI document,
 * without a credential, with the admin key, and as a member (access token and API key).
 */
describe('request fuzzing over the OpenAPI document', () => {
  let harness: TestApp;
  let operations: Operation[];
  let known: KnownValues;
  let credentials: fc.Arbitrary<Record<string, string>>;

  beforeAll(async () => {
    harness = await createTestApp({ DOCS: 'on' });
    operations = operationsOf(harness.app.swagger() as unknown as OpenApiDocument);
    const member = await memberOn(harness.core, 'pro', 'fuzz-member');
    const apiKey = await createKeyThroughApi(harness.app, member.session, 'fuzz');
    known = {
      uuids: [member.userId, apiKey.id],
      strings: ['pro', 'core', 'free', 'telegram', 'discord', 'slack', 'stripe', 'sandbox', 'FUZZ10', member.userId],
    };
    const credential = (headers: Record<string, string>, weight: number) => ({
      arbitrary: fc.constant(headers),
      weight,
    });
    // Mostly credentials that get past authentication, so the hostile values reach the handlers.
    credentials = fc.oneof(
      credential({}, 2),
      credential(adminHeaders, 6),
      credential(member.session, 3),
      credential({ authorization: `Bearer ${apiKey.key}` }, 3),
      credential({ authorization: 'Bearer ck_not_a_real_key' }, 1),
      credential({ authorization: 'Basic YWRtaW46YWRtaW4=' }, 1),
      credential({ authorization: `Bearer ${'x'.repeat(5_000)}` }, 1),
    );
  }, 120_000);
  afterAll(async () => harness?.close());

  it('the document lists the routes the fuzzer aims at', () => {
    expect(operations.length).toBeGreaterThan(50);
  });

  it('no request gets a 5xx, and every 4xx is the error envelope with a registered code', async () => {
    const unlisted: Operation = { method: 'GET', path: '/{anything}', parameters: [], body: undefined };
    const anyPath = fc
      .tuple(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
        fc.constantFrom('v1', 'admin', 'v1/users', 'admin/plans', 'docs', 'x'),
        fc.array(fc.oneof(hostileString.map(encodeSegment), fc.constantFrom('%00', '%', '%E0%A4%A', '..')), {
          maxLength: 3,
        }),
      )
      .chain(([method, first, rest]) =>
        requestFor({ ...unlisted, method, path: `/${[first, ...rest].join('/')}` }, known, credentials),
      );
    const anyRequest = fc.oneof(
      {
        arbitrary: fc.constantFrom(...operations).chain((operation) => requestFor(operation, known, credentials)),
        weight: 9,
      },
      { arbitrary: anyPath, weight: 1 },
    );

    const violations: Violation[] = [];
    let cases = 0;
    let sent = 0;
    let serverErrors = 0;
    const statuses = new Map<number, number>();
    const slowest: Array<{ request: FuzzRequest; ms: number; status: number }> = [];
    const startedAt = Date.now();
    const send = async (request: FuzzRequest) => {
      const requestStartedAt = Date.now();
      const response = await answeredWithin(
        answerTimeoutMs,
        harness.app.inject({
          method: request.method as 'GET',
          url: request.url,
          headers: request.headers,
          ...(request.payload === undefined ? {} : { payload: request.payload }),
        }),
        () => `no answer within ${answerTimeoutMs} ms: ${describeRequest(request)}`,
      );
      sent += 1;
      slowest.push({ request, ms: Date.now() - requestStartedAt, status: response.statusCode });
      slowest.sort((left, right) => right.ms - left.ms).splice(3);
      if (response.statusCode >= 500) serverErrors += 1;
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const problem = problemWith(
        request,
        response.statusCode,
        String(response.headers['content-type'] ?? ''),
        response.body,
      );
      // Collected rather than thrown: one run reports every kind of failure, not the first one shrunk.
      if (problem)
        violations.push({ request, status: response.statusCode, body: response.body.slice(0, 300), problem });
    };
    // Some cases send the same request several times at once: a retry racing its original must
    // not meet a unique index as a 500 (find-or-create did, on PostgreSQL).
    const copies = fc.oneof({ arbitrary: fc.constant(1), weight: 9 }, { arbitrary: fc.constant(4), weight: 1 });
    await fc.assert(
      fc.asyncProperty(anyRequest, copies, async (request, times) => {
        cases += 1;
        await Promise.all(Array.from({ length: times }, () => send(request)));
      }),
      { seed, numRuns: runs, interruptAfterTimeLimit: timeLimitMs, endOnFailure: true },
    );
    console.info(
      `request fuzz: ${cases} cases, ${sent} requests over ${operations.length} operations (seed ${seed}) in ${Date.now() - startedAt} ms; ${serverErrors} answered 5xx, ${violations.length} broke the guarantee`,
    );
    console.info(
      `statuses: ${[...statuses]
        .sort(([left], [right]) => left - right)
        .map(([status, times]) => `${status}×${times}`)
        .join(' ')}`,
    );
    console.info(
      `slowest: ${slowest.map((entry) => `${entry.ms} ms ${entry.status} ${describeRequest(entry.request)}`).join('\n  ')}`,
    );
    const kinds = new Map<string, Violation>();
    for (const violation of violations)
      kinds.set(`${violation.problem} ${violation.request.method} ${violation.request.operation}`, violation);
    expect(
      [...kinds.values()]
        .slice(0, 25)
        .map((violation) => `${violation.problem}: ${describeRequest(violation.request)} -> ${violation.body}`),
    ).toEqual([]);
    // However busy the machine, the guarantee was tried on a meaningful number of requests.
    expect(sent).toBeGreaterThanOrEqual(Math.min(runs, 500));
  }, 120_000);
});
