export * from './types.ts';
export * from './operations.ts';
export { prepareVector, largerIsBetter, bestFirst, passesThreshold } from './distance.ts';
export { ShardStore, type ShardState } from './shard-store.ts';
export { ShardReplica, type ApplyResult, type SnapshotPolicy, DEFAULT_SNAPSHOT_POLICY } from './replica.ts';
export { encodeOperation, decodeOperation, floatsFromBytes, floatsToBytes, pointKeyFromMessage, pointKeyToMessage } from './op-codec.ts';
export { payloadFromMessage, payloadToMessage, valueFromMessage, valueToMessage, type ValueMessage } from './payload-codec.ts';
export { shardOf } from './routing.ts';
export { parseJsonPath } from './json-path.ts';
