// Chooses which replica answers a read of one shard, and how to reach it: directly when this
// process's indexer owns it, over the internal shard RPC otherwise.
// Today one replica per shard is read (the first one with an owner); read consistency across
// several replicas (ALL / MAJORITY / QUORUM / n) plugs in here.
import { type CollectionRecord, type Registry, replicaKey } from '../../libs/cluster/index.ts';
import { unavailable } from '../../libs/errors/index.ts';
import { RemoteReplicaReader, type ReplicaReader } from '../../libs/shard-rpc/index.ts';

export interface LocalReplicas {
  id: string;
  reader: ReplicaReader;
}

export interface RoutedReplica {
  reader: ReplicaReader;
  replica: string;
}

export class ReplicaRouter {
  private readonly remotes = new Map<string, RemoteReplicaReader>();

  constructor(
    private readonly registry: Registry,
    private readonly local?: LocalReplicas,
  ) {}

  async route(record: CollectionRecord, shard: number): Promise<RoutedReplica> {
    const placement = record.shards[shard];
    const chosen = placement?.replicas.find((r) => r.owner !== null);
    if (!chosen?.owner) {
      throw unavailable(`shard ${shard} of collection \`${record.name}\` has no indexer yet (start an indexer)`);
    }
    const replica = replicaKey(record.id, shard, chosen.id);
    if (this.local && chosen.owner === this.local.id) return { reader: this.local.reader, replica };
    const info = await this.registry.info(chosen.owner);
    if (!info) throw unavailable(`indexer ${chosen.owner} owning shard ${shard} of \`${record.name}\` is not registered`);
    let remote = this.remotes.get(info.address);
    if (!remote) {
      remote = new RemoteReplicaReader(info.address);
      this.remotes.set(info.address, remote);
    }
    return { reader: remote, replica };
  }

  /** Every shard of a collection, routed. */
  routeAll(record: CollectionRecord): Promise<RoutedReplica[]> {
    return Promise.all(record.shards.map((_, shard) => this.route(record, shard)));
  }

  close(): void {
    for (const remote of this.remotes.values()) remote.close();
    this.remotes.clear();
  }
}
