// Domain errors, free of any transport. Every layer throws these; exactly one function
// (libs/api/status.ts) turns them into gRPC statuses, the way Qdrant's StorageError does.

export type ErrorKind =
  | 'bad_input' // the request is malformed or contradicts the collection (INVALID_ARGUMENT)
  | 'not_found' // a collection, alias or referenced point does not exist (NOT_FOUND)
  | 'already_exists' // a collection or alias name is taken (ALREADY_EXISTS)
  | 'overloaded' // a bounded resource is full; retry later (RESOURCE_EXHAUSTED + retry-after)
  | 'unavailable' // a dependency (Redis, a shard owner) cannot be reached now (UNAVAILABLE)
  | 'timeout' // the operation did not finish within its time budget (DEADLINE_EXCEEDED)
  | 'unauthenticated' // no or unknown credentials (UNAUTHENTICATED)
  | 'forbidden' // credentials lack the access the operation needs (PERMISSION_DENIED)
  | 'unimplemented' // the RPC or option is not built (UNIMPLEMENTED)
  | 'cancelled' // the caller went away before the answer (CANCELLED)
  | 'internal'; // a bug or an invariant broken inside quiver (INTERNAL)

export class QuiverError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** For 'overloaded': seconds after which a retry may succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'QuiverError';
  }
}

/** Prefixes follow Qdrant's error texts so that messages read the same to a Qdrant user. */
export const badInput = (message: string) => new QuiverError('bad_input', `Wrong input: ${message}`);
/** Qdrant's BadRequest (INVALID_ARGUMENT too), for requests that are well-formed but contradictory. */
export const badRequest = (message: string) => new QuiverError('bad_input', `Bad request: ${message}`);
export const validationError = (field: string, message: string) =>
  new QuiverError('bad_input', `Validation error in body: [${field}: ${message}]`);
export const notFound = (message: string) => new QuiverError('not_found', `Not found: ${message}`);
export const alreadyExists = (message: string) => new QuiverError('already_exists', `Wrong input: ${message}`);
export const unavailable = (message: string) => new QuiverError('unavailable', `Service unavailable: ${message}`);
export const timeoutError = (message: string) => new QuiverError('timeout', `Timeout: ${message}`);
export const overloaded = (message: string, retryAfterSeconds: number) =>
  new QuiverError('overloaded', `Rate limiting exceeded: ${message}`, retryAfterSeconds);
export const internalError = (message: string) => new QuiverError('internal', `Service internal error: ${message}`);

/** An option or RPC quiver does not build yet: refused, never accepted and silently ignored. */
export const notSupportedYet = (what: string) => new QuiverError('unimplemented', `${what} is not supported by quiver yet`);

export const collectionNotFound = (name: string) => notFound(`Collection \`${name}\` doesn't exist!`);
