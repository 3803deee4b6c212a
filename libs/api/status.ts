// The one place where errors become gRPC statuses (Qdrant's StorageError -> tonic::Status table).
import * as grpc from '@grpc/grpc-js';
import { type ErrorKind, QuiverError } from '../errors/index.ts';

const CODE_BY_KIND: Record<ErrorKind, grpc.status> = {
  bad_input: grpc.status.INVALID_ARGUMENT,
  not_found: grpc.status.NOT_FOUND,
  already_exists: grpc.status.ALREADY_EXISTS,
  overloaded: grpc.status.RESOURCE_EXHAUSTED,
  unavailable: grpc.status.UNAVAILABLE,
  timeout: grpc.status.DEADLINE_EXCEEDED,
  unauthenticated: grpc.status.UNAUTHENTICATED,
  forbidden: grpc.status.PERMISSION_DENIED,
  unimplemented: grpc.status.UNIMPLEMENTED,
  cancelled: grpc.status.CANCELLED,
  internal: grpc.status.INTERNAL,
};

export interface StatusReport {
  status: Partial<grpc.StatusObject>;
  /** True when the error is quiver's fault and should be logged as such. */
  internal: boolean;
}

export function toStatus(err: unknown): StatusReport {
  if (err instanceof QuiverError) {
    const metadata = new grpc.Metadata();
    if (err.kind === 'overloaded' && err.retryAfterSeconds !== undefined) {
      // Qdrant's clients read integer seconds from `retry-after`; gRPC clients may use the pushback.
      metadata.set('retry-after', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
      metadata.set('grpc-retry-pushback-ms', String(Math.ceil(err.retryAfterSeconds * 1000)));
    }
    return { status: { code: CODE_BY_KIND[err.kind], details: err.message, metadata }, internal: err.kind === 'internal' };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    status: { code: grpc.status.INTERNAL, details: `Service internal error: ${message}`, metadata: new grpc.Metadata() },
    internal: true,
  };
}
