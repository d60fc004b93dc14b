import { z } from 'zod';

/**
 * PostgreSQL text cannot hold U+0000, and a lone UTF-16 surrogate is not Unicode at all: jsonb
 * refuses it and text stores it mangled. Both arrive easily in JSON (`"\u0000"`, `"\ud800"`) and
 * in paths (`%00`), so every string that may reach a column is checked here, at the edge.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const unstorableCharacter = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Ids also never hold control characters: none is part of any id we or a platform issue. */
const controlOrUnstorableCharacter =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const isStorableText = (value: string): boolean => !unstorableCharacter.test(value);

export const unstorableTextMessage = 'must not contain a NUL character or a lone UTF-16 surrogate';

/**
 * Free text from a caller (names, reasons, notes, labels): any Unicode but NUL and lone
 * surrogates. Chain `.trim()`, `.min()`, `.max()` as usual.
 */
export const edgeText = () => z.string().refine(isStorableText, { message: unstorableTextMessage, abort: true });

/**
 * An identifier from a caller, in a body, query or path (plan ids, codes, platform ids, idempotency
 * keys): 1 to `maxLength` characters, no control characters and no lone surrogates.
 */
export const edgeId = (maxLength: number) =>
  z
    .string()
    .min(1)
    .max(maxLength)
    .refine((value) => !controlOrUnstorableCharacter.test(value), {
      message: 'must not contain control characters or a lone UTF-16 surrogate',
      abort: true,
    });
