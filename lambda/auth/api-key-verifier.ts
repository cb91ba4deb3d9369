/** Decides whether a presented Bearer key is the gateway's key. */
export interface ApiKeyVerifier {
  /** Resolves true only for the current key; compares in constant time. */
  verify(presented: string): Promise<boolean>;
}
