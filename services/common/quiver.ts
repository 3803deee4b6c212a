// Starts a quiver process with any set of roles against one Redis. The all-in-one process runs
// all three, calling each other in-process through the same interfaces the internal RPC serves
// in the split deployment; writes still go through BullMQ, which stays the durable record and
// the order of operations, while a LocalHandoff saves the all-in-one the queue's round trips.
import * as grpc from '@grpc/grpc-js';
import { Catalog, commandConnection, consumerConnection, ensureRedis, EventBus, keysFor, Registry } from '../../libs/cluster/index.ts';
import type { QuiverConfig, Role } from '../../libs/config/index.ts';
import { BacklogGauge, CompletionWaiters, LocalHandoff, OperationQueues } from '../../libs/queue/index.ts';
import { addShardRpc } from '../../libs/shard-rpc/index.ts';
import { clusterRpcs } from '../ingress/cluster-rpcs.ts';
import { collectionsRpcs } from '../ingress/collections-rpcs.ts';
import { payloadWriteRpcs } from '../ingress/payload-write-rpcs.ts';
import { pointsWriteRpcs } from '../ingress/points-write-rpcs.ts';
import { updateBatchRpc } from '../ingress/update-batch-rpc.ts';
import { vectorWriteRpcs } from '../ingress/vector-rpcs.ts';
import { WritePath } from '../ingress/write-path.ts';
import { Indexer } from '../indexer/indexer.ts';
import { pointsReadRpcs } from '../query/points-read-rpcs.ts';
import { queryRpcs } from '../query/query-rpcs.ts';
import { healthCheckRpc } from './health-check.ts';
import type { Logger } from './logger.ts';
import { bind, createPublicServer, type RpcTable, SERVER_OPTIONS, shutdown } from './public-server.ts';
import { ReplicaRouter } from './replica-router.ts';
import { roleServing } from './roles.ts';

export interface QuiverProcess {
  roles: Role[];
  /** Port of the public gRPC API, when ingress or query runs here. */
  grpcPort?: number;
  /** Address of the internal shard RPC, when an indexer runs here. */
  indexerAddress?: string;
  indexerId?: string;
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

export async function startQuiver(config: QuiverConfig, roles: Role[], log: Logger): Promise<QuiverProcess> {
  const has = (role: Role) => roles.includes(role);
  const closers: (() => Promise<void> | void)[] = []; // run in reverse order on stop

  const redisHandle = await ensureRedis({ url: config.redis.url, autoStart: config.redis.autoStart, storagePath: config.storagePath, log: (m) => log.warn(m) });
  if (redisHandle.stop) closers.push(redisHandle.stop);
  const result: QuiverProcess = { roles, stop: async () => {} };
  result.stop = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (err) {
        log.warn({ err }, 'error while stopping');
      }
    }
  };
  // A start that fails half-way stops what it started (a private redis-server included).
  try {
    const keys = keysFor(config.redis.prefix);
    const redis = commandConnection(config.redis.url, `quiver-${roles.join('+')}`);
    redis.on('error', (err) => log.debug({ err }, 'redis command connection'));
    closers.push(() => void redis.disconnect());
    const subscriber = consumerConnection(config.redis.url, 'quiver-events');
    subscriber.on('error', (err) => log.debug({ err }, 'redis subscriber connection'));
    const events = new EventBus(subscriber);
    closers.push(() => events.close());
    const catalog = new Catalog(redis, keys);
    await catalog.attach(events);
    const registry = new Registry(redis, keys);
    const queues = new OperationQueues(redis, keys);
    closers.push(() => queues.close());

    // Ingress and indexer in one process: operations and completions also take the short way.
    const handoff = has('ingress') && has('indexer') ? new LocalHandoff() : undefined;

    let indexer: Indexer | undefined;
    if (has('indexer')) {
      const consumer = consumerConnection(config.redis.url, 'quiver-indexer');
      consumer.on('error', (err) => log.debug({ err }, 'redis consumer connection'));
      closers.push(() => void consumer.disconnect());
      indexer = new Indexer({ storagePath: config.storagePath, redis, consumer, keys, catalog, registry, queues, handoff, log: log.child({ role: 'indexer' }) });
      const internal = new grpc.Server(SERVER_OPTIONS);
      addShardRpc(internal, indexer);
      const port = await bind(internal, config.indexer.host, config.indexer.port);
      closers.push(() => shutdown(internal, SHUTDOWN_GRACE_MS));
      const advertised = config.indexer.port === 0 ? config.indexer.advertiseAddress.replace(/:0$/, `:${port}`) : config.indexer.advertiseAddress;
      const started = indexer;
      closers.push(() => started.stop());
      await indexer.start(advertised);
      result.indexerAddress = advertised;
      result.indexerId = indexer.id;
    }

    const router = new ReplicaRouter(registry, indexer ? { id: indexer.id, reader: indexer } : undefined);
    closers.push(() => router.close());

    if (has('ingress') || has('query')) {
      const rpcs: RpcTable = { 'Qdrant/HealthCheck': healthCheckRpc };
      if (has('ingress')) {
        const backlog = new BacklogGauge(config.write.maxBacklogOperations);
        const waiters = new CompletionWaiters(redis, keys, backlog);
        await waiters.attach(events);
        handoff?.onCompleted((replica, seq, outcome) => waiters.completed(replica, seq, outcome));
        closers.push(() => waiters.close());
        const writes = new WritePath(queues, waiters, backlog, config.write.waitTimeoutMs, handoff);
        Object.assign(rpcs, collectionsRpcs({ catalog, registry, router, queues }), clusterRpcs({ catalog, router }), pointsWriteRpcs(catalog, writes));
        Object.assign(rpcs, payloadWriteRpcs(catalog, writes), updateBatchRpc(catalog, writes), vectorWriteRpcs(catalog, writes));
      }
      if (has('query')) Object.assign(rpcs, pointsReadRpcs(catalog, router), queryRpcs(catalog, router));
      const unserved = (method: string) => {
        const role = roleServing(method);
        return role
          ? `Method /qdrant.${method} is served by quiver's ${role} role, which this process (${roles.join(', ')}) does not run`
          : `Method /qdrant.${method} is not implemented by quiver yet`;
      };
      const { server, health } = createPublicServer(rpcs, { apiKey: config.apiKey, readOnlyApiKey: config.readOnlyApiKey }, log, unserved);
      result.grpcPort = await bind(server, config.grpc.host, config.grpc.port);
      health.setStatus('', 'SERVING');
      closers.push(async () => {
        health.setStatus('', 'NOT_SERVING');
        await shutdown(server, SHUTDOWN_GRACE_MS);
      });
    }
  } catch (err) {
    await result.stop();
    throw err;
  }
  return result;
}
