// qdrant.PointId <-> engine PointId. Numeric ids stay bigint end to end (uint64 never touches a
// JS number); UUIDs are accepted in the forms Rust's uuid crate parses and kept in canonical
// lower-case hyphenated form, which is also how they are returned.
import { badInput } from '../../errors/index.ts';
import type { PointId } from '../../engine/index.ts';

const UINT64_MAX = (1n << 64n) - 1n;

export interface PointIdMessage {
  num?: string | number;
  uuid?: string;
  point_id_options?: string;
}

export function parseUuid(text: string): string {
  let hex = text.trim();
  if (/^urn:uuid:/i.test(hex)) hex = hex.slice(9);
  else if (hex.startsWith('{') && hex.endsWith('}')) hex = hex.slice(1, -1);
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(hex)) return hex.toLowerCase();
  if (/^[0-9a-f]{32}$/i.test(hex)) {
    const h = hex.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  throw badInput(`Unable to parse UUID: ${text}`);
}

export function pointIdFromWire(message: PointIdMessage | null | undefined): PointId {
  if (!message) throw badInput('Empty ID is not allowed');
  if (message.uuid !== undefined) return parseUuid(message.uuid);
  if (message.num !== undefined) {
    const value = BigInt(message.num);
    if (value < 0n || value > UINT64_MAX) throw badInput(`point id ${message.num} is not a uint64`);
    return value;
  }
  throw badInput('No ID options provided');
}

export function pointIdToWire(id: PointId): PointIdMessage {
  return typeof id === 'bigint' ? { num: id.toString() } : { uuid: id };
}
