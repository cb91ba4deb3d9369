const BEARER = /^Bearer\s+(\S.*)$/i;

/** The key of an `Authorization: Bearer <key>` header; undefined for no header, another scheme or a blank key. */
export function bearerKey(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? BEARER.exec(header)?.[1]?.trim() || undefined : undefined;
}
