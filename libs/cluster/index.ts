export * from './collection-record.ts';
export { Catalog, type AliasAction, type CatalogEvent } from './catalog.ts';
export { EventBus } from './events.ts';
export { keysFor, type Keys } from './keys.ts';
export { commandConnection, consumerConnection, ensureRedis, redisAnswers, type RedisHandle } from './redis.ts';
export { Registry, planPlacement, HEARTBEAT_INTERVAL_MS, HEARTBEAT_TTL_MS, type IndexerInfo } from './registry.ts';
export * from './field-index-declaration.ts';
