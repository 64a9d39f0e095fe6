// Store errors that callers act on, independent of the database behind the store.

/** Another writer held the database for longer than the busy timeout; the write did not happen. */
export class StoreBusyError extends Error {
  constructor(cause: unknown) {
    super('the database is busy (another writer holds it)', { cause });
    this.name = 'StoreBusyError';
  }
}
