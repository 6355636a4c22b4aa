/** One entry of the public error body: {errors:[{message, field?}]}. */
export interface ErrorItem {
  message: string;
  field?: string;
}

/** Errors the HTTP layer maps to a 4xx with a stable code; anything else is a 500. */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  serialize(): ErrorItem[] {
    return [{ message: this.message }];
  }
}

/** A status and code whose message, when the thrower gives none, is the default every client sees for it. */
function errorWithDefault<S extends number, C extends string>(status: S, code: C, defaultMessage: string) {
  return class extends AppError {
    readonly status = status;
    readonly code = code;
    constructor(message = defaultMessage) {
      super(message);
    }
  };
}

/** A status and code about one request field, named in the body so a form can point at it. */
function errorAboutField<S extends number, C extends string>(status: S, code: C) {
  return class extends AppError {
    readonly status = status;
    readonly code = code;
    constructor(message: string, readonly field?: string) {
      super(message);
    }
    override serialize(): ErrorItem[] {
      return [this.field ? { message: this.message, field: this.field } : { message: this.message }];
    }
  };
}

export class BadRequestError extends errorAboutField(400, 'bad_request') {}
export class ConflictError extends errorAboutField(409, 'conflict') {}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly code = 'validation_failed';
  constructor(readonly items: ErrorItem[]) {
    super(items.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; '));
  }
  override serialize(): ErrorItem[] {
    return this.items;
  }
}

export class NotAuthorizedError extends errorWithDefault(401, 'not_authorized', 'Not signed in, or the session has expired') {}
export class PaymentDeclinedError extends errorWithDefault(402, 'payment_declined', 'The payment was declined') {}
export class ForbiddenError extends errorWithDefault(403, 'forbidden', 'Not allowed: you are not the owner') {}
export class NotFoundError extends errorWithDefault(404, 'not_found', 'Not found') {}
export class PayloadTooLargeError extends errorWithDefault(413, 'payload_too_large', 'Request body too large') {}
export class UnsupportedMediaTypeError extends errorWithDefault(
  415,
  'unsupported_media_type',
  'Send the body as JSON with Content-Type: application/json',
) {}
export class ServiceUnavailableError extends errorWithDefault(503, 'service_unavailable', 'Service temporarily unavailable, try again shortly') {}

export class TooManyRequestsError extends errorWithDefault(429, 'too_many_requests', 'Too many attempts, try again later') {
  constructor(readonly retryAfterSeconds: number, message?: string) {
    super(message);
  }
}
