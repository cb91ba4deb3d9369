import { EventStreamCodec, MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** Bedrock's HTTP status for each modelled error it returns. */
const ERROR_STATUS: Record<string, number> = {
  ValidationException: 400,
  ServiceQuotaExceededException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ConflictException: 409,
  ModelErrorException: 424,
  ModelStreamErrorException: 424,
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
};

export function errorStatus(type: string): number {
  return ERROR_STATUS[type] ?? 500;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const str = (value: string) => ({ type: 'string' as const, value });

/** One `application/vnd.amazon.eventstream` event frame, as ConverseStream sends it. */
export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  const headers: MessageHeaders = {
    ':event-type': str(eventType),
    ':content-type': str('application/json'),
    ':message-type': str('event'),
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
}

/**
 * A modelled exception frame, e.g. a ThrottlingException in the middle of a stream. Like `:event-type`, the
 * `:exception-type` header names the stream union member (`throttlingException`), not the error class.
 */
export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  const member = exceptionType.charAt(0).toLowerCase() + exceptionType.slice(1);
  const headers: MessageHeaders = {
    ':exception-type': str(member),
    ':content-type': str('application/json'),
    ':message-type': str('exception'),
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify({ message })) });
}
