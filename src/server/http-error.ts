/** An error that knows its HTTP answer; anything else is a 500 with no detail leaked. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (message = 'not found') => new HttpError(404, message);
