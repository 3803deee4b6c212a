export type { CountQuery, ReplicaReader, ReplicaStats } from './replica-reader.ts';
export { addShardRpc, RemoteReplicaReader } from './service.ts';
