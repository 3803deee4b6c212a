// Every Redis key and channel quiver uses, in one place. Keys that a script touches together
// share a hash tag ({catalog}, {registry}), so they stay in one slot of a Redis Cluster; each
// replica's queue has a hash tag of its own (see libs/queue).
export function keysFor(prefix: string) {
  return {
    collections: `${prefix}:{catalog}:collections`, // HASH name -> CollectionRecord JSON
    aliases: `${prefix}:{catalog}:aliases`, // HASH alias -> collection name
    indexers: `${prefix}:{registry}:indexers`, // HASH node id -> IndexerInfo JSON
    heartbeats: `${prefix}:{registry}:heartbeats`, // ZSET node id -> last heartbeat (epoch ms)
    /** Per replica: highest sequence number applied (a fallback for missed completion messages). */
    applied: (replica: string) => `${prefix}:{${replica}}:applied`,
    /** Per replica: the last few operations that failed to apply (LIST of JSON), for missed completions. */
    failures: (replica: string) => `${prefix}:{${replica}}:failures`,
    catalogChannel: `${prefix}:events:catalog`,
    completionChannel: `${prefix}:events:completions`,
    /** Per replica: the bytes of one queued operation too large to carry inline in its job (see libs/queue). */
    operationBytes: (replica: string, ref: string) => `${prefix}:{${replica}}:opbytes:${ref}`,
    /** BullMQ prefix of one replica's queue; the hash tag keeps the queue's keys together. */
    queuePrefix: (replica: string) => `${prefix}:{${replica}}`,
  };
}

export type Keys = ReturnType<typeof keysFor>;
