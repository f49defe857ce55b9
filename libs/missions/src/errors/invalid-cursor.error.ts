/** A listing cursor that this service did not issue (or that was altered); the HTTP layer answers 400. */
export class InvalidCursorError extends Error {
  constructor() {
    super('Invalid cursor.');
    this.name = 'InvalidCursorError';
  }
}
