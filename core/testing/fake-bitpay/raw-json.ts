/**
 * JSON that keeps every number as the exact text written, for the BitPay stand-in: it stores
 * fixture invoices whose amounts exceed 2^53 and must answer them byte for byte as BitPay does.
 */
export class RawNumber {
  constructor(readonly text: string) {}
}

export type RawJson = null | boolean | string | RawNumber | RawJson[] | { [key: string]: RawJson };

const numberMarker = '\u0000number:';
const numberToken = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses JSON, numbers as RawNumber (the stand-in's own text only: it trusts its input). */
export function parseRawJson(text: string): RawJson {
  let marked = '';
  let copiedUpTo = 0;
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (character === '"') {
      index += 1;
      while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
      index += 1;
      continue;
    }
    if (/[-0-9]/.test(character)) {
      numberToken.lastIndex = index;
      const token = numberToken.exec(text)?.[0];
      if (token === undefined) throw new SyntaxError(`not a JSON number at ${index}`);
      marked += `${text.slice(copiedUpTo, index)}"\\u0000number:${token}"`;
      index += token.length;
      copiedUpTo = index;
      continue;
    }
    index += 1;
  }
  marked += text.slice(copiedUpTo);
  return JSON.parse(marked, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(numberMarker)
      ? new RawNumber(value.slice(numberMarker.length))
      : value,
  ) as RawJson;
}

/** JSON text with every RawNumber written as the number it holds. */
export function stringifyRawJson(value: RawJson): string {
  if (value instanceof RawNumber) return value.text;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stringifyRawJson).join(',')}]`;
  return `{${Object.entries(value)
    .map(([key, entry]) => `${JSON.stringify(key)}:${stringifyRawJson(entry)}`)
    .join(',')}}`;
}

export const rawNumber = (value: bigint | number | string): RawNumber => new RawNumber(String(value));

export const asObject = (value: RawJson | undefined): { [key: string]: RawJson } => {
  if (
    value === null ||
    value === undefined ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    value instanceof RawNumber
  )
    throw new TypeError('expected a JSON object');
  return value;
};

export const numberText = (value: RawJson | undefined): string => {
  if (!(value instanceof RawNumber)) throw new TypeError('expected a JSON number');
  return value.text;
};
