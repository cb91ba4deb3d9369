/**
 * What the gateway carries in an item's `encrypted_content` (a signed reasoning block, a compaction summary): versioned
 * JSON in base64. Opaque to clients, not secret: it holds what the client was already given, and signatures that
 * Bedrock itself checks.
 */
export function seal<T extends { readonly v: 1 }>(value: T): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

/** What {@link seal} wrote, or undefined for anything else (another service's `encrypted_content`, a non-string). */
export function unseal(encrypted: unknown): { readonly v: 1; readonly [field: string]: unknown } | undefined {
  if (typeof encrypted !== 'string') return undefined;
  try {
    const value = JSON.parse(Buffer.from(encrypted, 'base64').toString('utf8'));
    return value?.v === 1 ? value : undefined;
  } catch {
    return undefined;
  }
}
