/** A client error in the request body: HTTP 400 in the OpenAI shape, naming the offending field. */
export class BadRequestError extends Error {
  readonly statusCode = 400;
  constructor(message: string, readonly param: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

export function badRequest(message: string, param: string): BadRequestError {
  return new BadRequestError(message, param);
}
