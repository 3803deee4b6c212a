// Collections and aliases, stored in Redis. Every change is one Lua script (atomic), followed by
// a catalog event so other processes drop what they cached. Reads go through a per-process cache
// of positive lookups; a missing name is always re-read from Redis.
import type { Redis } from 'ioredis';
import { alreadyExists, badInput, collectionNotFound, notFound } from '../errors/index.ts';
import type { CollectionRecord } from './collection-record.ts';
import type { EventBus } from './events.ts';
import type { Keys } from './keys.ts';

const CREATE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 'exists' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 'alias' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 'ok'`;

// Deletes the collection and every alias that points at it; returns the deleted record or false.
const DELETE = `
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
local aliases = redis.call('HGETALL', KEYS[2])
for i = 1, #aliases, 2 do
  if aliases[i + 1] == ARGV[1] then redis.call('HDEL', KEYS[2], aliases[i]) end
end
return record`;

// Replaces a record only if it is still the version the caller read (compare-and-set).
const REPLACE = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

// Applies alias actions all-or-nothing. ARGV[1]: JSON list of {op, alias, collection, to}.
const ALIASES = `
local actions = cjson.decode(ARGV[1])
local state = {}
local flat = redis.call('HGETALL', KEYS[2])
for i = 1, #flat, 2 do state[flat[i]] = flat[i + 1] end
for _, a in ipairs(actions) do
  if a.op == 'create' then
    if redis.call('HEXISTS', KEYS[1], a.collection) == 0 then return 'not_found:Collection \`' .. a.collection .. '\` doesn\\'t exist!' end
    if redis.call('HEXISTS', KEYS[1], a.alias) == 1 then return 'already_exists:Collection \`' .. a.alias .. '\` already exists!' end
    state[a.alias] = a.collection
  elseif a.op == 'rename' then
    if not state[a.alias] then return 'not_found:Alias ' .. a.alias .. ' does not exists!' end
    if redis.call('HEXISTS', KEYS[1], a.to) == 1 then return 'already_exists:Collection \`' .. a.to .. '\` already exists!' end
    state[a.to] = state[a.alias]
    state[a.alias] = nil
  elseif a.op == 'delete' then
    state[a.alias] = nil
  end
end
redis.call('DEL', KEYS[2])
for alias, collection in pairs(state) do redis.call('HSET', KEYS[2], alias, collection) end
return 'ok'`;

export type AliasAction =
  | { op: 'create'; alias: string; collection: string }
  | { op: 'rename'; alias: string; to: string }
  | { op: 'delete'; alias: string };

export interface CatalogEvent {
  type: 'created' | 'deleted' | 'changed' | 'aliases';
  name?: string;
  id?: string;
}

export class Catalog {
  private readonly cache = new Map<string, CollectionRecord>();
  private readonly aliasCache = new Map<string, string>();
  private readonly listeners = new Set<(event: CatalogEvent) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Keeps the cache honest: drop entries on catalog events and after a reconnect. */
  async attach(events: EventBus): Promise<void> {
    await events.subscribe(this.keys.catalogChannel, (message) => {
      const event = JSON.parse(message) as CatalogEvent;
      this.invalidate();
      for (const listener of this.listeners) listener(event);
    });
    events.onResync(() => {
      this.invalidate();
      for (const listener of this.listeners) listener({ type: 'changed' });
    });
  }

  onChange(listener: (event: CatalogEvent) => void): void {
    this.listeners.add(listener);
  }

  private invalidate(): void {
    this.cache.clear();
    this.aliasCache.clear();
  }

  private async publish(event: CatalogEvent): Promise<void> {
    this.invalidate();
    await this.redis.publish(this.keys.catalogChannel, JSON.stringify(event));
  }

  async create(record: CollectionRecord): Promise<void> {
    const result = await this.redis.eval(CREATE, 2, this.keys.collections, this.keys.aliases, record.name, JSON.stringify(record));
    if (result === 'exists') throw alreadyExists(`Collection \`${record.name}\` already exists!`);
    if (result === 'alias') throw badInput(`Can't create collection with name ${record.name}. Alias with the same name already exists`);
    await this.publish({ type: 'created', name: record.name, id: record.id });
  }

  /** Deletes a collection and its aliases; returns the deleted record, or null when there was none. */
  async delete(name: string): Promise<CollectionRecord | null> {
    const raw = (await this.redis.eval(DELETE, 2, this.keys.collections, this.keys.aliases, name)) as string | null;
    if (!raw) return null;
    const record = JSON.parse(raw) as CollectionRecord;
    await this.publish({ type: 'deleted', name, id: record.id });
    return record;
  }

  /** Read-modify-write of one record, retried when another process changed it in between. */
  async update(name: string, change: (record: CollectionRecord) => CollectionRecord | null): Promise<CollectionRecord> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const raw = await this.redis.hget(this.keys.collections, name);
      if (!raw) throw collectionNotFound(name);
      const next = change(JSON.parse(raw) as CollectionRecord);
      if (!next) return JSON.parse(raw) as CollectionRecord;
      const ok = await this.redis.eval(REPLACE, 1, this.keys.collections, name, raw, JSON.stringify(next));
      if (ok === 1) {
        await this.publish({ type: 'changed', name, id: next.id });
        return next;
      }
    }
    throw new Error(`collection ${name} kept changing during an update`);
  }

  /** Resolves a collection name or alias; null when neither exists. */
  async find(nameOrAlias: string): Promise<CollectionRecord | null> {
    const cached = this.cache.get(nameOrAlias);
    if (cached) return cached;
    let name = nameOrAlias;
    let raw = await this.redis.hget(this.keys.collections, name);
    if (!raw) {
      const target = await this.redis.hget(this.keys.aliases, nameOrAlias);
      if (!target) return null;
      name = target;
      raw = await this.redis.hget(this.keys.collections, name);
      if (!raw) return null;
    }
    const record = JSON.parse(raw) as CollectionRecord;
    this.cache.set(nameOrAlias, record);
    return record;
  }

  /** Like find, but NOT_FOUND when the collection does not exist. */
  async get(nameOrAlias: string): Promise<CollectionRecord> {
    const record = await this.find(nameOrAlias);
    if (!record) throw collectionNotFound(nameOrAlias);
    return record;
  }

  async list(): Promise<CollectionRecord[]> {
    const all = await this.redis.hvals(this.keys.collections);
    return all.map((raw) => JSON.parse(raw) as CollectionRecord).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async changeAliases(actions: AliasAction[]): Promise<void> {
    const result = String(await this.redis.eval(ALIASES, 2, this.keys.collections, this.keys.aliases, JSON.stringify(actions)));
    if (result.startsWith('not_found:')) throw notFound(result.slice('not_found:'.length));
    if (result.startsWith('already_exists:')) throw alreadyExists(result.slice('already_exists:'.length));
    await this.publish({ type: 'aliases' });
  }

  /** All aliases as [alias, collection], sorted by alias. */
  async aliases(): Promise<[string, string][]> {
    const all = await this.redis.hgetall(this.keys.aliases);
    return Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
