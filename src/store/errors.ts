// Store errors that callers act on, independent of the database behind the store.

/** Another writer held the database for longer than the busy timeout; the write did not happen. */
export class StoreBusyError extends Error {
  constructor(cause: unknown, message = 'the database is busy (another writer holds it)') {
    super(message, { cause });
    this.name = 'StoreBusyError';
  }
}

/**
 * The database server did not answer, or refused the statement for a reason that passes (a restart, a
 * serialization failure, the statement timeout); nothing was written. Served as 503 with Retry-After, like a busy
 * database: the pool reconnects by itself when the server is back.
 */
export class StoreUnavailableError extends StoreBusyError {
  constructor(cause: unknown) {
    super(cause, 'the database is unavailable');
    this.name = 'StoreUnavailableError';
  }
}
