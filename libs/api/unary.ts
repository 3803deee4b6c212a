// Adapts an async handler to a grpc-js unary call: authentication, deadline and cancellation,
// the response's `time` (seconds, as Qdrant reports it), and error -> status through status.ts.
import type * as grpc from '@grpc/grpc-js';
import { type Access, type AuthKeys, authorize } from './auth.ts';
import { QuiverError, timeoutError } from '../errors/index.ts';
import { toStatus } from './status.ts';

export interface CallContext {
  /** Full method path, e.g. /qdrant.Points/Upsert. */
  method: string;
  metadata: grpc.Metadata;
  /** Absolute deadline in epoch milliseconds, when the client sent one. */
  deadline?: number;
  /** Aborted when the client cancels or the deadline passes. */
  signal: AbortSignal;
}

// biome-ignore lint: requests and responses are the proto-loader object shapes
export type UnaryHandler = (request: any, ctx: CallContext) => Promise<Record<string, any>>;

export interface RpcSpec {
  access: Access;
  handler: UnaryHandler;
}

export interface UnaryOptions {
  keys: AuthKeys;
  onInternalError: (method: string, err: unknown) => void;
}

function deadlineOf(call: grpc.ServerUnaryCall<unknown, unknown>): number | undefined {
  const deadline = call.getDeadline();
  if (deadline instanceof Date) return deadline.getTime();
  return Number.isFinite(deadline) ? Number(deadline) : undefined;
}

export function unaryCall(method: string, spec: RpcSpec, options: UnaryOptions): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const started = performance.now();
    const abort = new AbortController();
    let answered = false; // grpc-js may also report a finished call as cancelled: nothing to abort then
    call.on('cancelled', () => answered || abort.abort(new QuiverError('cancelled', 'Cancelled by the client')));
    const ctx: CallContext = { method, metadata: call.metadata, deadline: deadlineOf(call), signal: abort.signal };
    let timer: NodeJS.Timeout | undefined;
    if (ctx.deadline !== undefined) {
      timer = setTimeout(() => abort.abort(timeoutError('the call\'s deadline passed')), Math.max(0, ctx.deadline - Date.now()));
    }
    (async () => {
      authorize(options.keys, call.metadata, spec.access);
      return spec.handler(call.request, ctx);
    })().then(
      (response) => {
        answered = true;
        clearTimeout(timer);
        response.time = (performance.now() - started) / 1000;
        callback(null, response);
      },
      (err) => {
        answered = true;
        clearTimeout(timer);
        const report = toStatus(err);
        if (report.internal) options.onInternalError(method, err);
        callback(report.status);
      },
    );
  };
}
