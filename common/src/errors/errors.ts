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

export class BadRequestError extends AppError {
  readonly status = 400;
  readonly code = 'bad_request';
  constructor(message: string, readonly field?: string) {
    super(message);
  }
  override serialize(): ErrorItem[] {
    return [this.field ? { message: this.message, field: this.field } : { message: this.message }];
  }
}

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

export class NotAuthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'not_authorized';
  constructor(message = 'Not signed in, or the session has expired') {
    super(message);
  }
}

export class PaymentDeclinedError extends AppError {
  readonly status = 402;
  readonly code = 'payment_declined';
  constructor(message = 'The payment was declined') {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
  constructor(message = 'Not allowed: you are not the owner') {
    super(message);
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
  constructor(message = 'Not found') {
    super(message);
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code = 'conflict';
  constructor(message: string, readonly field?: string) {
    super(message);
  }
  override serialize(): ErrorItem[] {
    return [this.field ? { message: this.message, field: this.field } : { message: this.message }];
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
  constructor(message = 'Request body too large') {
    super(message);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
  constructor(message = 'Send the body as JSON with Content-Type: application/json') {
    super(message);
  }
}

export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly code = 'too_many_requests';
  constructor(readonly retryAfterSeconds: number, message = 'Too many attempts, try again later') {
    super(message);
  }
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'service_unavailable';
  constructor(message = 'Service temporarily unavailable, try again shortly') {
    super(message);
  }
}
