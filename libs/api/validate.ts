// Edge validation shared by handlers; messages follow Qdrant's "Validation error in body" form.
import { badInput, validationError } from '../errors/index.ts';

const FORBIDDEN_ON_CREATE = /[<>:"/\\|?*\0\x1F]/;

/** Collection (or alias) names: 1..255 characters; creation forbids more characters than lookups. */
export function collectionName(name: unknown, field = 'collection_name', forCreate = false): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 255) {
    throw validationError(field, 'length must be between 1 and 255');
  }
  if (forCreate ? FORBIDDEN_ON_CREATE.test(name) : /[/\0]/.test(name)) {
    throw validationError(field, `collection name cannot contain ${forCreate ? '<>:"/\\|?*\\0\\x1F' : '/ or \\0'}`);
  }
  return name;
}

/** A uint64 request field (a decimal string from the loader) as a safe JS integer within [min, max]. */
export function boundedInt(value: unknown, field: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' ? Number(value) : Number(value);
  if (!Number.isInteger(n) || n < min) throw validationError(field, `value ${value} invalid, must be ${min} or more`);
  if (n > max) throw validationError(field, `value ${value} invalid, must be ${max} or less`);
  return n;
}

/** Collections use automatic sharding only (custom sharding is not built): a shard key selector is refused. */
export function rejectShardKeySelector(request: { shard_key_selector?: unknown }): void {
  if (request.shard_key_selector) throw badInput('Shard key selector is only allowed for collections with custom sharding');
}

export function finiteNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw badInput(`${field} must be a finite number`);
  return n;
}
