export type { ReplicaReader } from './replica-reader.ts';
export { addShardRpc, RemoteReplicaReader } from './service.ts';
