import { ResponseObject } from './response-object';
import { InputItem } from './responses-request';

/** A stored response and the input it answered (earlier responses' included), from which `previous_response_id` continues. */
export interface StoredResponse {
  readonly response: ResponseObject;
  readonly input: readonly InputItem[];
}

/**
 * Where responses made with `store: true` are kept. A response belongs to the key that created it (its owner, the
 * caller's name): another key's get or delete finds nothing, exactly as for an id that never existed. Each call ends
 * when its `signal` fires (the request's upstream calls end).
 */
export interface ResponseStore {
  put(owner: string, stored: StoredResponse, signal?: AbortSignal): Promise<void>;
  get(owner: string, id: string, signal?: AbortSignal): Promise<StoredResponse | undefined>;
  /** Whether the owner had a response of that id (now deleted). */
  delete(owner: string, id: string, signal?: AbortSignal): Promise<boolean>;
}
