import fc from 'fast-check';

/** The part of a JSON schema (as the OpenAPI document holds it) the generator reads. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface Operation {
  method: string;
  /** As the document writes it: `/v1/api-keys/{id}/rotate`. */
  path: string;
  parameters: OpenApiParameter[];
  body: JsonSchema | undefined;
}

export interface FuzzRequest {
  method: string;
  /** The operation's path as the document writes it, to group failures by route. */
  operation: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** Values that exist in the app under test, so some requests get past "not found". */
export interface KnownValues {
  uuids: string[];
  strings: string[];
}

const methods = ['get', 'post', 'put', 'patch', 'delete'];

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => methods.includes(method))
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema,
      })),
  );
}

/** Every UTF-16 code unit, lone surrogates and NUL included: what JSON `\uXXXX` escapes can carry. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

/** Strings that broke something somewhere once: NUL, lone surrogates, huge, odd Unicode, injections. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udbff',
    '\udc00',
    '\udc00\ud800',
    '',
    ' ',
    '%00',
    '%',
    '../../etc/passwd',
    '🚀',
    'Ünïcödé 中文',
    '\u202e\ufeff\u200b',
    '\r\n\t',
    'null',
    '-1',
    '1e309',
    "'; drop table users; --",
    '<script>alert(1)</script>',
    `{{7*7}}\${7*7}`,
    'a'.repeat(101),
    'x'.repeat(20_000),
  ),
  fc.string({ unit: anyCodeUnit, maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ maxLength: 24 }),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, [], {}, [null], { '': '' }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Hosts that never need DNS: an endpoint check must not wait on a resolver in a test. */
const urlWithoutDns = fc.constantFrom(
  'https://127.0.0.1/hook',
  'https://10.0.0.1/hook',
  'https://[::1]/x',
  'http://169.254.169.254/latest/meta-data',
  'https://93.184.216.34/ok',
  'ftp://127.0.0.1/x',
  'javascript:alert(1)',
);

function wellFormed(schema: JsonSchema, known: KnownValues, depth: number): fc.Arbitrary<unknown> {
  const choices = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (choices?.length) return fc.oneof(...choices.map((choice) => valueFor(choice, known, depth)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...known.uuids), fc.uuid());
      if (schema.format === 'date-time')
        return fc
          .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
          .map((date) => date.toISOString());
      if (schema.format === 'email') return fc.emailAddress();
      if (schema.format === 'uri') return urlWithoutDns;
      return fc.oneof(
        fc.constantFrom(...known.strings),
        urlWithoutDns,
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) }),
      );
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueFor(schema.items ?? {}, known, depth + 1), {
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object': {
      const properties = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([name, property]) => [name, valueFor(property, known, depth + 1)]),
      );
      return fc.record(properties, { requiredKeys: schema.required ?? [] });
    }
    default:
      return hostileValue;
  }
}

/** Mostly what the schema describes (so requests reach the handlers), sometimes anything at all. */
export function valueFor(schema: JsonSchema, known: KnownValues, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 4) return hostileValue;
  return fc.oneof({ arbitrary: wellFormed(schema, known, depth), weight: 4 }, { arbitrary: hostileValue, weight: 1 });
}

/**
 * Percent-encodes every UTF-16 code unit, lone surrogates included (as the invalid UTF-8 a client
 * could send), where encodeURIComponent would throw.
 */
export function encodeSegment(value: string): string {
  let encoded = '';
  for (const character of value) {
    const unit = character.charCodeAt(0);
    if (character.length === 1 && unit >= 0xd800 && unit <= 0xdfff)
      encoded += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    else encoded += encodeURIComponent(character);
  }
  return encoded;
}

const text = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined'));

/** Path and query text a client can put on the wire that no encoder would produce. */
const rawSegment = fc.constantFrom('%00', '%', '%E0%A4%A', '%ZZ', '%C0%AF', '%2F..%2F', '..', '.', 'a'.repeat(150));

const segmentFor = (parameter: OpenApiParameter, known: KnownValues) =>
  fc.oneof(
    { arbitrary: valueFor(parameter.schema ?? {}, known).map((value) => encodeSegment(text(value))), weight: 6 },
    { arbitrary: rawSegment, weight: 1 },
  );

const rawBodies = fc.constantFrom(
  '{',
  '{"a":',
  'null',
  '[]',
  '"text"',
  '12',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  '\u0000',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
);

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'multipart/form-data; boundary=x',
);

/** One request for this operation: path, query, header and body values from its schemas, or hostile. */
export function requestFor(
  operation: Operation,
  known: KnownValues,
  credentials: fc.Arbitrary<Record<string, string>>,
): fc.Arbitrary<FuzzRequest> {
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const headerParameters = operation.parameters.filter((parameter) => parameter.in === 'header');

  const segments = fc.tuple(...pathParameters.map((parameter) => segmentFor(parameter, known)));
  const query = fc.array(
    fc.oneof(
      ...(queryParameters.length ? queryParameters : [{ in: 'query' as const, name: 'unexpected' }]).map((parameter) =>
        segmentFor(parameter, known).map((value) => `${encodeURIComponent(parameter.name)}=${value}`),
      ),
      rawSegment.map((value) => `${value}=${value}`),
    ),
    { maxLength: queryParameters.length + 1 },
  );
  // Header values must be visible ASCII on the wire; anything else never reaches the app.
  const headers = fc.record(
    Object.fromEntries(
      headerParameters.map((parameter) => [parameter.name, fc.string({ unit: 'binary-ascii', maxLength: 40 })]),
    ),
    { requiredKeys: [] },
  );
  const body = operation.body
    ? fc.oneof(
        { arbitrary: valueFor(operation.body, known).map((value) => ({ json: JSON.stringify(value) })), weight: 6 },
        { arbitrary: rawBodies.map((raw) => ({ json: raw })), weight: 1 },
        {
          arbitrary: fc.record({
            json: valueFor(operation.body, known).map((value) => JSON.stringify(value)),
            type: contentTypes,
          }),
          weight: 1,
        },
        { arbitrary: fc.constant(undefined), weight: 1 },
      )
    : fc.option(
        rawBodies.map((raw) => ({ json: raw })),
        { freq: 6 },
      );

  return fc.record({ segments, query, headers, body, credential: credentials }).map((parts) => {
    let index = 0;
    const path = operation.path.replace(/\{[^}]+\}/g, () => parts.segments[index++] ?? '');
    const url = parts.query.length ? `${path}?${parts.query.join('&')}` : path;
    const request: FuzzRequest = {
      method: operation.method,
      operation: operation.path,
      url,
      headers: { ...(parts.headers as Record<string, string>), ...parts.credential },
    };
    const sent = parts.body as { json?: string; type?: string } | null | undefined;
    if (sent?.json !== undefined) {
      request.payload = sent.json;
      request.headers['content-type'] = sent.type ?? 'application/json';
    }
    return request;
  });
}
