import { Caller } from './caller';

/** Decides which key, if any, a presented Bearer key is. */
export interface ApiKeyVerifier {
  /** The caller the key belongs to, or undefined for an unknown key; compares in constant time. */
  verify(presented: string): Promise<Caller | undefined>;
}
