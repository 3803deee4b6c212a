export * from './types.ts';
export * from './operations.ts';
export { prepareVector, largerIsBetter, bestFirst, passesThreshold } from './distance.ts';
export { ShardStore } from './shard-store.ts';
export { ShardReplica, type ApplyResult } from './replica.ts';
export { encodeOperation, decodeOperation, floatsFromBytes, floatsToBytes, pointKeyFromMessage, pointKeyToMessage } from './op-codec.ts';
export { payloadFromMessage, payloadToMessage, valueFromMessage, valueToMessage, type ValueMessage } from './payload-codec.ts';
export { shardOf } from './routing.ts';
