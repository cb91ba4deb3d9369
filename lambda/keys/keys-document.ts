import { KeyLimits } from '../auth/caller';

/** Where one key's value is: in the document, in a Secrets Manager secret or in an SSM parameter. */
export type KeyValueSource =
  | { readonly kind: 'inline'; readonly value: string }
  | { readonly kind: 'secret'; readonly secretId: string; readonly field: string }
  | { readonly kind: 'parameter'; readonly name: string };

/** One named key of a keys document. */
export interface KeyEntry {
  readonly name: string;
  readonly value: KeyValueSource;
  readonly models?: readonly string[];
  readonly limits?: KeyLimits;
  readonly disabled: boolean;
  readonly inferenceProfiles?: Readonly<Record<string, string>>;
}

/** The keys document: every key the gateway accepts. */
export interface KeysDocument {
  readonly keys: readonly KeyEntry[];
}

/** A keys document that is not valid; the message names the key and the field, never a key's value. */
export class KeysDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeysDocumentError';
  }
}

/** Names become metric dimensions and counter ids: letters, digits and `._-`, at most 64. */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const ENTRY_FIELDS = ['name', 'key', 'secretArn', 'secretField', 'parameterName', 'models', 'limits', 'disabled', 'inferenceProfiles'];
const LIMIT_FIELDS: ReadonlyArray<keyof KeyLimits> = ['requestsPerMinute', 'tokensPerMinute', 'tokensPerMonth', 'maxConcurrentRequests'];
const VALUE_FIELDS = ['key', 'secretArn', 'parameterName'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

/**
 * Parses and validates a keys document (JSON text or an already parsed value):
 * `{"keys":[{"name","key"|"secretArn"(+"secretField")|"parameterName","models"?,"limits"?,"disabled"?,"inferenceProfiles"?}]}`.
 * Unknown fields are errors, so a misspelt limit is not silently ignored.
 */
export function parseKeysDocument(input: unknown): KeysDocument {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch {
      throw new KeysDocumentError('keys document: not valid JSON; expected {"keys":[{"name":"…","key":"…"}]}');
    }
  }
  if (!isObject(doc) || !Array.isArray(doc.keys)) {
    throw new KeysDocumentError('keys document: must be a JSON object with a "keys" array; expected {"keys":[{"name":"…","key":"…"}]}');
  }
  const extra = Object.keys(doc).filter((k) => k !== 'keys');
  if (extra.length > 0) throw new KeysDocumentError(`keys document: unknown field "${extra[0]}"; only "keys" is allowed`);
  if (doc.keys.length === 0) throw new KeysDocumentError('keys document: "keys" is empty; list at least one key');
  const keys = doc.keys.map((entry, i) => parseEntry(entry, i));
  const names = new Set<string>();
  const inlineValues = new Map<string, string>();
  for (const [i, key] of keys.entries()) {
    if (names.has(key.name)) throw new KeysDocumentError(`keys[${i}] ("${key.name}").name: another key has this name; names must be unique`);
    names.add(key.name);
    if (key.value.kind === 'inline') {
      const twin = inlineValues.get(key.value.value);
      if (twin !== undefined) throw new KeysDocumentError(`keys "${twin}" and "${key.name}": both have the same key value; give each its own`);
      inlineValues.set(key.value.value, key.name);
    }
  }
  return { keys };
}

function parseEntry(entry: unknown, i: number): KeyEntry {
  if (!isObject(entry)) throw new KeysDocumentError(`keys[${i}]: must be an object with "name" and a key value; received ${describe(entry)}`);
  if (typeof entry.name !== 'string' || !NAME.test(entry.name)) {
    throw new KeysDocumentError(`keys[${i}].name: must be 1–64 letters, digits, ".", "_" or "-"; received ${describe(entry.name)}`);
  }
  const where = `keys[${i}] ("${entry.name}")`;
  const unknown = Object.keys(entry).find((k) => !ENTRY_FIELDS.includes(k));
  if (unknown !== undefined) throw new KeysDocumentError(`${where}: unknown field "${unknown}"; allowed: ${ENTRY_FIELDS.join(', ')}`);
  return {
    name: entry.name,
    value: valueSource(entry, where),
    ...(entry.models !== undefined ? { models: models(entry.models, where) } : {}),
    ...(entry.limits !== undefined ? { limits: limits(entry.limits, where) } : {}),
    disabled: disabled(entry.disabled, where),
    ...(entry.inferenceProfiles !== undefined ? { inferenceProfiles: inferenceProfiles(entry.inferenceProfiles, where) } : {}),
  };
}

function valueSource(entry: Record<string, unknown>, where: string): KeyValueSource {
  const given = VALUE_FIELDS.filter((f) => entry[f] !== undefined);
  if (given.length !== 1) {
    throw new KeysDocumentError(`${where}: set exactly one of "key", "secretArn" or "parameterName"; ${given.length === 0 ? 'none is set' : `${given.join(' and ')} are set`}`);
  }
  if (entry.secretField !== undefined && given[0] !== 'secretArn') throw new KeysDocumentError(`${where}.secretField: only applies with "secretArn"`);
  const value = entry[given[0]];
  // Never echo a key value in an error.
  if (typeof value !== 'string' || value.trim() === '' || value !== value.trim()) {
    throw new KeysDocumentError(`${where}.${given[0]}: must be a non-empty string without surrounding spaces`);
  }
  if (given[0] === 'key') return { kind: 'inline', value };
  if (given[0] === 'parameterName') return { kind: 'parameter', name: value };
  const field = entry.secretField ?? 'api_key';
  if (typeof field !== 'string' || field === '') throw new KeysDocumentError(`${where}.secretField: must be a non-empty string; received ${describe(field)}`);
  return { kind: 'secret', secretId: value, field };
}

function models(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((m) => typeof m !== 'string' || m.trim() === '')) {
    throw new KeysDocumentError(`${where}.models: must be an array of Bedrock model ids; received ${describe(value)}`);
  }
  return value as string[];
}

function limits(value: unknown, where: string): KeyLimits {
  if (!isObject(value)) throw new KeysDocumentError(`${where}.limits: must be an object; received ${describe(value)}`);
  const unknown = Object.keys(value).find((k) => !(LIMIT_FIELDS as readonly string[]).includes(k));
  if (unknown !== undefined) throw new KeysDocumentError(`${where}.limits: unknown field "${unknown}"; allowed: ${LIMIT_FIELDS.join(', ')}`);
  for (const field of LIMIT_FIELDS) {
    const n = value[field];
    if (n !== undefined && (!Number.isSafeInteger(n) || (n as number) < 1)) {
      throw new KeysDocumentError(`${where}.limits.${field}: must be a positive integer; received ${describe(n)}`);
    }
  }
  return value as KeyLimits;
}

function disabled(value: unknown, where: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new KeysDocumentError(`${where}.disabled: must be true or false; received ${describe(value)}`);
  return value;
}

function inferenceProfiles(value: unknown, where: string): Record<string, string> {
  if (!isObject(value) || Object.values(value).some((arn) => typeof arn !== 'string' || !arn.startsWith('arn:'))) {
    throw new KeysDocumentError(`${where}.inferenceProfiles: must map Bedrock model ids to application inference profile ARNs; received ${describe(value)}`);
  }
  return value as Record<string, string>;
}
