// Loads quiver's public protos (package qdrant) for grpc-js.
// Options are part of the contract with the handlers:
// - longs: String   uint64/int64 values arrive and may leave as decimal strings, never as JS numbers;
// - enums: String   enum values are their names ('Cosine', 'Completed');
// - defaults: false unset optional fields are absent, so `'wait' in req` tells presence;
// - oneofs: true    each oneof also names its set member (e.g. point_id_options: 'num').
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const protoDir = path.resolve(import.meta.dirname, '../../proto');

export const loaderOptions: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [protoDir],
};

export const publicPackageDefinition = protoLoader.loadSync('qdrant.proto', loaderOptions);

// biome-ignore lint: grpc-js returns a loosely typed object tree
const loaded = grpc.loadPackageDefinition(publicPackageDefinition) as any;

export type PublicServiceName = 'Qdrant' | 'Collections' | 'Points' | 'Snapshots';

export const publicServices: Record<PublicServiceName, grpc.ServiceDefinition> = {
  Qdrant: loaded.qdrant.Qdrant.service,
  Collections: loaded.qdrant.Collections.service,
  Points: loaded.qdrant.Points.service,
  Snapshots: loaded.qdrant.Snapshots.service,
};

/** Qdrant's version that quiver's protos and behaviour follow (reported by HealthCheck). */
export const QDRANT_COMPATIBLE_VERSION = '1.18.0';
