// A filter as bytes, for the internal shard RPC and for operations that select points by filter
// (the WAL must replay them exactly). The encoding is UTF-8 JSON of the model, with every bigint
// (integer matches, numeric point ids) written as {"$int": "<decimal>"}, so no integer passes
// through a JS number. Encoding is deterministic for a given filter object.
import type { Filter } from './model.ts';

const TAG = '$int';

export function encodeFilter(filter: Filter): Uint8Array {
  const json = JSON.stringify(filter, (_key, value) => (typeof value === 'bigint' ? { [TAG]: value.toString() } : value));
  return new TextEncoder().encode(json);
}

export function decodeFilter(bytes: Uint8Array): Filter {
  const json = new TextDecoder().decode(bytes);
  return JSON.parse(json, (_key, value) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value[TAG] === 'string' && Object.keys(value).length === 1
      ? BigInt(value[TAG])
      : value,
  );
}
