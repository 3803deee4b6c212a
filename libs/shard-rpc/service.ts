// The internal shard RPC: server side (backed by a local ReplicaReader) and client side (a
// ReplicaReader that calls a remote indexer). Domain errors cross the wire as gRPC statuses and
// come back as the same QuiverError kinds.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { type ErrorKind, QuiverError } from '../errors/index.ts';
import { loaderOptions } from '../api/proto.ts';
import { toStatus } from '../api/status.ts';
import { type Filter, pointKeyFromMessage, pointKeyToMessage, type PointId, type ReadSelectors, type SearchRequest } from '../engine/index.ts';
import { filterFromBytes, filterToBytes, pointToMessage, recordFromMessage, scoredFromMessage, searchFromMessage, searchToMessage, selectorsFromMessage, selectorsToMessage } from './codec.ts';
import type { CountQuery, ReplicaReader } from './replica-reader.ts';

const definition = protoLoader.loadSync('internal/shard.proto', loaderOptions);
// biome-ignore lint: grpc-js returns a loosely typed object tree
const ShardReplicaService = (grpc.loadPackageDefinition(definition) as any).quiver.internal.ShardReplica;

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

function unary(run: (request: Message) => Promise<Message>): grpc.handleUnaryCall<Message, Message> {
  return (call, callback) => {
    run(call.request).then(
      (response) => callback(null, response),
      (err) => callback(toStatus(err).status),
    );
  };
}

export function addShardRpc(server: grpc.Server, reader: ReplicaReader): void {
  server.addService(ShardReplicaService.service, {
    Search: unary(async (m) => ({ points: (await reader.search(m.replica, searchFromMessage(m))).map(pointToMessage) })),
    Get: unary(async (m) => ({
      points: (await reader.get(m.replica, (m.ids ?? []).map(pointKeyFromMessage), selectorsFromMessage(m.selectors))).map(pointToMessage),
    })),
    Count: unary(async (m) => ({ count: String(await reader.count(m.replica, undefined, { filter: filterFromBytes(m.filter), estimate: Boolean(m.estimate) })) })),
    Scroll: unary(async (m) => ({
      points: (await reader.scroll(m.replica, m.from ? pointKeyFromMessage(m.from) : undefined, m.limit ?? 0, selectorsFromMessage(m.selectors), undefined, filterFromBytes(m.filter))).map(pointToMessage),
    })),
    Stats: unary(async (m) => {
      const stats = await reader.stats(m.replica);
      const indexed_points = Object.fromEntries(Object.entries(stats.indexedPoints ?? {}).map(([field, n]) => [field, String(n)]));
      return { points: String(stats.points), unindexed: String(stats.unindexed), index_error: stats.indexError ?? '', indexed_points, optimizing: Boolean(stats.optimizing) };
    }),
  });
}

const KIND_BY_CODE: Partial<Record<grpc.status, ErrorKind>> = {
  [grpc.status.INVALID_ARGUMENT]: 'bad_input',
  [grpc.status.NOT_FOUND]: 'not_found',
  [grpc.status.RESOURCE_EXHAUSTED]: 'overloaded',
  [grpc.status.DEADLINE_EXCEEDED]: 'timeout',
  [grpc.status.UNIMPLEMENTED]: 'unimplemented',
  [grpc.status.INTERNAL]: 'internal',
  [grpc.status.CANCELLED]: 'cancelled',
};

/** A ReplicaReader for the replicas of one remote indexer. */
export class RemoteReplicaReader implements ReplicaReader {
  // biome-ignore lint: generated client
  private readonly client: any;

  constructor(readonly address: string) {
    this.client = new ShardReplicaService(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
      'grpc.keepalive_time_ms': 30_000,
    });
  }

  private call(method: string, request: Message, signal?: AbortSignal): Promise<Message> {
    return new Promise((resolve, reject) => {
      const call = this.client[method](request, (err: grpc.ServiceError | null, response: Message) => {
        signal?.removeEventListener('abort', cancel);
        if (!err) return resolve(response);
        const kind = KIND_BY_CODE[err.code as grpc.status] ?? 'unavailable';
        reject(new QuiverError(kind, kind === 'unavailable' ? `Service unavailable: shard owner at ${this.address}: ${err.details}` : err.details));
      });
      const cancel = () => call.cancel();
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  async search(replica: string, request: SearchRequest, signal?: AbortSignal) {
    const response = await this.call('Search', searchToMessage(replica, request), signal);
    return (response.points ?? []).map(scoredFromMessage);
  }

  async get(replica: string, ids: PointId[], selectors: ReadSelectors, signal?: AbortSignal) {
    const response = await this.call('Get', { replica, ids: ids.map(pointKeyToMessage), selectors: selectorsToMessage(selectors) }, signal);
    return (response.points ?? []).map(recordFromMessage);
  }

  async count(replica: string, signal?: AbortSignal, query: CountQuery = {}) {
    const request = { replica, filter: filterToBytes(query.filter), estimate: Boolean(query.estimate) };
    return Number((await this.call('Count', request, signal)).count ?? 0);
  }

  async scroll(replica: string, from: PointId | undefined, limit: number, selectors: ReadSelectors, signal?: AbortSignal, filter?: Filter) {
    const request = {
      replica, limit, selectors: selectorsToMessage(selectors), filter: filterToBytes(filter),
      ...(from === undefined ? {} : { from: pointKeyToMessage(from) }),
    };
    const response = await this.call('Scroll', request, signal);
    return (response.points ?? []).map(recordFromMessage);
  }

  async stats(replica: string, signal?: AbortSignal) {
    const response = await this.call('Stats', { replica }, signal);
    const indexedPoints = Object.fromEntries(Object.entries(response.indexed_points ?? {}).map(([field, n]) => [field, Number(n)]));
    return {
      points: Number(response.points ?? 0),
      unindexed: Number(response.unindexed ?? 0),
      optimizing: Boolean(response.optimizing),
      ...(response.index_error ? { indexError: String(response.index_error) } : {}),
      indexedPoints,
    };
  }

  close(): void {
    this.client.close();
  }
}
