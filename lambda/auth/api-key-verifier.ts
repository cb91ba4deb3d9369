import { Caller } from './caller';

/** Decides which key, if any, a presented Bearer key is. */
export interface ApiKeyVerifier {
  /**
   * The caller the key belongs to, or undefined for an unknown key; compares in constant time. A request stops waiting
   * for the key store when `signal` fires.
   */
  verify(presented: string, signal?: AbortSignal): Promise<Caller | undefined>;
}
