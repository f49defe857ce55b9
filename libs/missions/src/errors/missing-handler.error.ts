/** A mission's type has no registered handler and `execution.missingHandler` is `fail`; never retried. */
export class MissingHandlerError extends Error {
  constructor(readonly missionType: unknown, registered: string[]) {
    const described = typeof missionType === 'string' ? `type "${missionType}"` : 'missions without a string data.type';
    super(`no handler is registered for ${described} (registered: ${registered.join(', ') || 'none'})`);
    this.name = 'MissingHandlerError';
  }
}
