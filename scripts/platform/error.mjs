/** A failure whose message is meant for a person as it is (no stack trace needed). */
export class PlatformError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'PlatformError';
    this.code = code;
  }
}
