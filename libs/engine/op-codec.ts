// Binary encoding of shard operations (proto/internal/operations.proto). The same bytes go into
// the replica's queue and its WAL, so an operation is encoded once, at the ingress. Vectors travel
// packed as float32, never as JSON numbers.
import type protobuf from 'protobufjs';
import { decodeFilter, encodeFilter } from './filter/index.ts';
import { internalType, TO_OBJECT } from './internal-proto.ts';
import type { PointId } from './types.ts';
import type { ShardOperation, VectorBlock } from './operations.ts';
import { payloadFromMessage, payloadToMessage, type ValueMessage } from './payload-codec.ts';
import { payloadOperationFromMessage, payloadOperationToMessage } from './payload-op-codec.ts';

const ShardOperationType = internalType('internal/operations.proto', 'quiver.internal.ShardOperation');

// biome-ignore lint: the message shape is structural
type PointKeyMessage = { num?: string; uuid?: string; key?: string };

export function pointKeyToMessage(id: PointId): PointKeyMessage {
  return typeof id === 'bigint' ? { num: id.toString() } : { uuid: id };
}

export function pointKeyFromMessage(key: PointKeyMessage): PointId {
  return key.uuid !== undefined ? key.uuid : BigInt(key.num ?? '0');
}

/**
 * Float32 little-endian bytes as a Float32Array: a view on the same memory when they happen to be
 * 4-byte aligned (the decoded operation then shares the encoded bytes, which are never written
 * after encoding), else an aligned copy (protobuf bytes often arrive unaligned).
 */
export function floatsFromBytes(bytes: Uint8Array): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const copy = new Uint8Array(bytes); // aligned copy
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

export function floatsToBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

const UPSERT_MODES = { upsert: 'UPSERT', insert_only: 'INSERT_ONLY', update_only: 'UPDATE_ONLY' } as const;
// biome-ignore lint: the message shape is structural
type VectorBlockMessage = { name?: string; dim?: number; points?: number[]; vectors?: Uint8Array };

function blockToMessage(b: VectorBlock): VectorBlockMessage {
  return { name: b.name, dim: b.dim, points: b.points ?? [], vectors: floatsToBytes(b.vectors) };
}

function blockFromMessage(m: VectorBlockMessage): VectorBlock {
  const block: VectorBlock = { name: m.name ?? '', dim: m.dim ?? 0, vectors: floatsFromBytes(m.vectors ?? new Uint8Array()) };
  if (m.points?.length) block.points = m.points;
  return block;
}

// The encoder's inputs are shaped for a cheap fromObject (same bytes): an id up to 2^53 as a
// number (a decimal string costs a Long.fromString per point), a point without payload as an
// empty Payload with no map to walk.
const NO_PAYLOAD = {};
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const pointKeyToEncode = (id: PointId) => (typeof id === 'bigint' && id <= MAX_SAFE ? { num: Number(id) } : pointKeyToMessage(id));

export function encodeOperation(op: ShardOperation): Uint8Array {
  return ShardOperationType.encode(ShardOperationType.fromObject(operationToMessage(op))).finish();
}

// biome-ignore lint: built to the message shape
function operationToMessage(op: ShardOperation): Record<string, any> {
  // biome-ignore lint: built to the message shape
  const message: Record<string, any> = {};
  switch (op.kind) {
    case 'upsert':
      message.upsert = {
        ids: op.ids.map(pointKeyToEncode),
        vectors: floatsToBytes(op.vectors),
        dim: op.dim,
        payloads: op.payloads.map((p) => (p ? { fields: payloadToMessage(p) } : NO_PAYLOAD)),
        ...(op.mode && op.mode !== 'upsert' ? { mode: UPSERT_MODES[op.mode] } : {}),
        ...(op.updateFilter ? { update_filter: encodeFilter(op.updateFilter) } : {}),
        named: (op.named ?? []).map(blockToMessage),
      };
      break;
    case 'update_vectors':
      message.update_vectors = {
        ids: op.ids.map(pointKeyToMessage), vectors: op.vectors.map(blockToMessage),
        ...(op.updateFilter ? { update_filter: encodeFilter(op.updateFilter) } : {}),
      };
      break;
    case 'delete_vectors':
      message.delete_vectors = { ids: op.ids.map(pointKeyToMessage), names: op.names, ...(op.filter ? { filter: encodeFilter(op.filter) } : {}) };
      break;
    case 'delete_points':
      message.delete_points = { ids: op.ids.map(pointKeyToEncode), ...(op.filter ? { filter: encodeFilter(op.filter) } : {}) };
      break;
    case 'create_field_index':
    case 'delete_field_index':
      message[op.kind] = { field_name: op.fieldName, field_type: op.fieldType };
      break;
    case 'set_payload':
    case 'overwrite_payload':
    case 'delete_payload':
    case 'clear_payload':
      message[op.kind] = payloadOperationToMessage(op);
      break;
    case 'batch':
      message.batch = { operations: op.operations.map(operationToMessage), stop_at_first_failure: op.stopAtFirstFailure };
      break;
  }
  if (op.traceContext) message.trace_context = op.traceContext;
  return message;
}

export function decodeOperation(bytes: Uint8Array): ShardOperation {
  // biome-ignore lint: read from the message shape
  const decoded = ShardOperationType.decode(bytes) as Record<string, any>;
  // An upsert's ids are read off the decoded message (uint64 halves -> bigint) rather than through
  // toObject, which would turn each into a decimal string first.
  let upsertIds: PointId[] | undefined;
  if (decoded.kind === 'upsert') {
    upsertIds = decoded.upsert.ids.map(decodedPointKey);
    decoded.upsert.ids = [];
  }
  // biome-ignore lint: read from the message shape
  return operationFromMessage(ShardOperationType.toObject(decoded as protobuf.Message, TO_OBJECT) as Record<string, any>, upsertIds);
}

/** A PointKey as protobufjs decodes it: `key` names the oneof member; num is a Long (or a number). */
// biome-ignore lint: the decoded message shape
function decodedPointKey(key: Record<string, any>): PointId {
  if (key.key === 'uuid') return key.uuid as string;
  const num = key.num as { low: number; high: number } | number;
  if (typeof num === 'number') return BigInt(num);
  const low = BigInt(num.low >>> 0);
  return num.high === 0 ? low : (BigInt(num.high >>> 0) << 32n) | low;
}

// biome-ignore lint: read from the message shape
function operationFromMessage(m: Record<string, any>, upsertIds?: PointId[]): ShardOperation {
  const traceContext = m.trace_context && Object.keys(m.trace_context).length ? m.trace_context : undefined;
  switch (m.kind) {
    case 'upsert': {
      const u = m.upsert;
      const ids = upsertIds ?? (u.ids ?? []).map(pointKeyFromMessage);
      const payloads = (u.payloads ?? []).map((p: { fields?: Record<string, ValueMessage> }) =>
        p.fields && Object.keys(p.fields).length ? payloadFromMessage(p.fields) : null,
      );
      const named = (u.named ?? []).map(blockFromMessage);
      const mode = u.mode === 'INSERT_ONLY' ? 'insert_only' : u.mode === 'UPDATE_ONLY' ? 'update_only' : undefined;
      return {
        kind: 'upsert', ids, dim: u.dim ?? 0, vectors: floatsFromBytes(u.vectors ?? new Uint8Array()), payloads,
        ...(mode ? { mode } : {}), ...(u.update_filter ? { updateFilter: decodeFilter(u.update_filter) } : {}), ...(named.length ? { named } : {}),
        traceContext,
      };
    }
    case 'update_vectors': {
      const u = m.update_vectors;
      return {
        kind: 'update_vectors', ids: (u.ids ?? []).map(pointKeyFromMessage), vectors: (u.vectors ?? []).map(blockFromMessage),
        ...(u.update_filter ? { updateFilter: decodeFilter(u.update_filter) } : {}), traceContext,
      };
    }
    case 'delete_vectors': {
      const d = m.delete_vectors;
      return {
        kind: 'delete_vectors', ids: (d.ids ?? []).map(pointKeyFromMessage), names: d.names ?? [],
        ...(d.filter ? { filter: decodeFilter(d.filter) } : {}), traceContext,
      };
    }
    case 'delete_points': {
      const d = m.delete_points;
      return { kind: 'delete_points', ids: (d.ids ?? []).map(pointKeyFromMessage), ...(d.filter ? { filter: decodeFilter(d.filter) } : {}), traceContext };
    }
    case 'create_field_index':
    case 'delete_field_index':
      return { kind: m.kind, fieldName: m[m.kind].field_name ?? '', fieldType: m[m.kind].field_type ?? '', traceContext };
    case 'set_payload':
    case 'overwrite_payload':
    case 'delete_payload':
    case 'clear_payload':
      return { ...payloadOperationFromMessage(m.kind, m[m.kind]), traceContext };
    case 'batch':
      return {
        kind: 'batch', operations: (m.batch.operations ?? []).map((inner: Record<string, unknown>) => operationFromMessage(inner)),
        stopAtFirstFailure: m.batch.stop_at_first_failure === true, traceContext,
      };
    default:
      throw new Error(`unknown shard operation kind ${String(m.kind)}`);
  }
}
