/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracket paths
 * (`line_items[0][price]`, `metadata[user_id]`, `expand[]`). Every leaf is a string, as on the wire.
 */
export type FormValue = string | FormValue[] | FormFields;
export type FormFields = { [key: string]: FormValue };

export const parseStripeForm = (encoded: string): FormFields => {
  const root: FormFields = {};
  for (const [rawKey, value] of new URLSearchParams(encoded)) {
    const path = keyPath(rawKey);
    insert(root, path, value);
  }
  return arraysFromIndexes(root) as FormFields;
};

/** `a[b][0][]` -> ['a', 'b', '0', '']; an empty segment means "append". */
const keyPath = (key: string): string[] => {
  const head = key.split('[', 1)[0] ?? key;
  const segments = [...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((match) => match[1] ?? '');
  return [head, ...segments];
};

const insert = (target: FormFields, path: string[], value: string): void => {
  const [segment, ...rest] = path;
  if (segment === undefined) return;
  const key = segment === '' ? String(Object.keys(target).length) : segment;
  if (rest.length === 0) {
    target[key] = value;
    return;
  }
  const existing = target[key];
  const child: FormFields = typeof existing === 'object' && !Array.isArray(existing) ? existing : {};
  target[key] = child;
  insert(child, rest, value);
};

/** Objects whose keys are all indexes were arrays on the client. */
const arraysFromIndexes = (value: FormValue): FormValue => {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted = Object.fromEntries(keys.map((key) => [key, arraysFromIndexes(value[key] as FormValue)]));
  if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
    return keys.sort((left, right) => Number(left) - Number(right)).map((key) => converted[key] as FormValue);
  }
  return converted;
};

/** Typed reads of a parsed form; a wrong shape is the client's mistake, reported like Stripe does. */
export const formString = (fields: FormFields, key: string): string | undefined => {
  const value = fields[key];
  return typeof value === 'string' ? value : undefined;
};

export const formFields = (fields: FormFields, key: string): FormFields | undefined => {
  const value = fields[key];
  return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
};

export const formList = (fields: FormFields, key: string): FormValue[] => {
  const value = fields[key];
  if (Array.isArray(value)) return value;
  return value === undefined ? [] : [value];
};

export const formStrings = (fields: FormFields, key: string): string[] =>
  formList(fields, key).filter((value): value is string => typeof value === 'string');

export const formRecords = (fields: FormFields, key: string): FormFields[] =>
  formList(fields, key).filter((value): value is FormFields => typeof value === 'object' && !Array.isArray(value));

export const formInteger = (fields: FormFields, key: string): number | undefined => {
  const value = formString(fields, key);
  return value === undefined || !/^-?\d+$/.test(value) ? undefined : Number(value);
};

export const formBoolean = (fields: FormFields, key: string): boolean | undefined => {
  const value = formString(fields, key);
  return value === undefined ? undefined : value === 'true';
};

/** Metadata as Stripe stores it: string values, an empty string deletes a key on update. */
export const formMetadata = (fields: FormFields, key = 'metadata'): Record<string, string> | undefined => {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
};
