import { OpenAIError } from './errors';

/**
 * Bounds on what one request may hold, shared by every route. Each refuses early and cheaply (before Bedrock, mostly
 * in the request schema or while the body is parsed) with a 400 or 413 naming the field, so that no request can
 * make the gateway build huge structures, recurse deeply or hold a body many times over. Where OpenAI or Bedrock
 * has a limit of its own, the value is theirs.
 */
export const LIMITS = {
  /** Nesting of arrays and objects in a JSON body (a 10-level strict schema inside `tools` is about 30). */
  jsonDepth: 64,
  /** Items in any one JSON array of a body. */
  jsonArrayItems: 10_000,
  /** Characters of a model name: Bedrock's longest model identifier (ARNs included). */
  modelLength: 2048,
  /** Messages in a chat request (OpenAI's limit). */
  messages: 2048,
  /** Content parts in one message. */
  contentParts: 1024,
  /** Images in one chat request (Bedrock Converse's limit). */
  images: 20,
  /** Bytes of one image, decoded (Bedrock's limit: 3.75 MiB). */
  imageBytes: 3_932_160,
  /** Tools in a chat request (OpenAI's limit). */
  tools: 128,
  /** Stop sequences (OpenAI's limit). */
  stopSequences: 4,
  /** Characters of one JSON schema (tool parameters, response_format) as JSON text. */
  schemaChars: 100_000,
  /** Texts in one embeddings request (OpenAI's limit). */
  embeddingInputs: 2048,
  /** Characters of one embeddings text (Titan Text Embeddings v2's limit, the largest of the supported models). */
  embeddingInputChars: 50_000,
} as const;

/**
 * Text without control characters or unpaired UTF-16 surrogates (for the model name, which becomes part of a
 * Bedrock URL). Ajv compiles patterns with the `u` flag, where a lone surrogate is a code point of its own.
 */
export const PRINTABLE_TEXT_PATTERN = '^[^\\u0000-\\u001f\\u007f\\ud800-\\udfff]*$';

/** The request-schema fragment of a model name. */
export const modelNameSchema = { type: 'string', minLength: 1, maxLength: LIMITS.modelLength, pattern: PRINTABLE_TEXT_PATTERN } as const;

/** Refuses a JSON schema (tool parameters, response_format) longer than `LIMITS.schemaChars` as JSON text. */
export function checkSchemaSize(schema: unknown, param: string): void {
  if (schema === undefined) return;
  const chars = JSON.stringify(schema).length;
  if (chars > LIMITS.schemaChars) {
    throw new OpenAIError(413, `The JSON schema in '${param}' is ${chars} characters long; at most ${LIMITS.schemaChars} are accepted.`,
      { param, code: 'schema_too_large' });
  }
}

/**
 * Scans JSON text (the body, or JSON inside a field such as tool call arguments, named by `param`) for nesting
 * deeper than `LIMITS.jsonDepth` or an array longer than `LIMITS.jsonArrayItems`, without parsing it: JSON.parse
 * would first build the structure (and recursive code later walking it could overflow the stack). Malformed text
 * passes through, for the parser to reject.
 */
export function checkJsonShape(text: string, param: string | null = null): void {
  const where = param === null ? 'The JSON body' : `The JSON in '${param}'`;
  const items: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) { // [ {
      items.push(c === 0x5b ? 1 : -1);
      if (items.length > LIMITS.jsonDepth) {
        throw OpenAIError.invalidRequest(`${where} is nested more than ${LIMITS.jsonDepth} levels deep.`, param, 'json_too_deep');
      }
    } else if (c === 0x5d || c === 0x7d) { // ] }
      items.pop();
    } else if (c === 0x2c && items.length > 0 && items[items.length - 1] > 0) { // , inside an array
      if (++items[items.length - 1] > LIMITS.jsonArrayItems) {
        throw new OpenAIError(413, `${where} has an array of more than ${LIMITS.jsonArrayItems} items.`, { param, code: 'array_too_long' });
      }
    }
  }
}
