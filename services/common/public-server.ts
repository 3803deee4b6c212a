// The public gRPC server (Qdrant's API). Every RPC of the four public services is registered;
// one that this process does not serve answers UNIMPLEMENTED with a message naming the method.
// Also served: grpc.health.v1 and server reflection (v1 and v1alpha), without authentication.
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import {
  type AuthKeys, type PublicServiceName, type RpcSpec, publicPackageDefinition, publicServices, unaryCall,
} from '../../libs/api/index.ts';
import type { Logger } from './logger.ts';

/** Handlers keyed by 'Service/Method', e.g. 'Points/Upsert'. */
export type RpcTable = Record<string, RpcSpec>;

export const SERVER_OPTIONS: grpc.ServerOptions = {
  // Qdrant has no gRPC message-size limit; grpc-js would reject requests over 4 MiB.
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  // Probe idle connections so a dead peer (or a mesh that dropped it) is noticed.
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.keepalive_permit_without_calls': 1,
  // Let clients ping as often as every 10 s without being sent GOAWAY.
  'grpc.http2.min_ping_interval_without_data_ms': 10_000,
};

export interface PublicServer {
  server: grpc.Server;
  health: HealthImplementation;
}

/**
 * @param unserved  the UNIMPLEMENTED message for a method without a handler here, by 'Service/Method'
 */
export function createPublicServer(rpcs: RpcTable, keys: AuthKeys, log: Logger, unserved: (method: string) => string): PublicServer {
  const server = new grpc.Server(SERVER_OPTIONS);
  const options = {
    keys,
    onInternalError: (method: string, err: unknown) => log.error({ err, method }, 'internal error'),
  };
  for (const [serviceName, service] of Object.entries(publicServices) as [PublicServiceName, grpc.ServiceDefinition][]) {
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const methodName of Object.keys(service)) {
      const method = `/qdrant.${serviceName}/${methodName}`;
      const spec = rpcs[`${serviceName}/${methodName}`];
      implementation[methodName] = spec
        ? unaryCall(method, spec, options)
        : (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
            callback({ code: grpc.status.UNIMPLEMENTED, details: unserved(`${serviceName}/${methodName}`) });
    }
    server.addService(service, implementation);
  }
  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  health.addToServer(server);
  new ReflectionService(publicPackageDefinition).addToServer(server);
  return { server, health };
}

export function bind(server: grpc.Server, host: string, port: number, credentials = grpc.ServerCredentials.createInsecure()): Promise<number> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (err, boundPort) => (err ? reject(err) : resolve(boundPort)));
  });
}

/** Graceful stop: refuse new calls, let calls in flight finish for up to `graceMs`, then cut. */
export function shutdown(server: grpc.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
