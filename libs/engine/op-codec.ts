// Binary encoding of shard operations (proto/internal/operations.proto). The same bytes go into
// the replica's queue and its WAL, so an operation is encoded once, at the ingress. Vectors travel
// packed as float32, never as JSON numbers.
import { internalType, TO_OBJECT } from './internal-proto.ts';
import type { PointId } from './types.ts';
import type { ShardOperation } from './operations.ts';
import { payloadFromMessage, payloadToMessage, type ValueMessage } from './payload-codec.ts';

const ShardOperationType = internalType('internal/operations.proto', 'quiver.internal.ShardOperation');

// biome-ignore lint: the message shape is structural
type PointKeyMessage = { num?: string; uuid?: string; key?: string };

export function pointKeyToMessage(id: PointId): PointKeyMessage {
  return typeof id === 'bigint' ? { num: id.toString() } : { uuid: id };
}

export function pointKeyFromMessage(key: PointKeyMessage): PointId {
  return key.uuid !== undefined ? key.uuid : BigInt(key.num ?? '0');
}

/** A copy of float32 little-endian bytes as an aligned Float32Array (protobuf bytes arrive unaligned). */
export function floatsFromBytes(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes); // aligned copy
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

export function floatsToBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export function encodeOperation(op: ShardOperation): Uint8Array {
  // biome-ignore lint: built to the message shape
  const message: Record<string, any> = {};
  switch (op.kind) {
    case 'upsert':
      message.upsert = {
        ids: op.ids.map(pointKeyToMessage),
        vectors: floatsToBytes(op.vectors),
        dim: op.dim,
        payloads: op.payloads.map((p) => ({ fields: payloadToMessage(p) })),
      };
      break;
    case 'delete_points':
      message.delete_points = { ids: op.ids.map(pointKeyToMessage) };
      break;
    case 'create_field_index':
    case 'delete_field_index':
      message[op.kind] = { field_name: op.fieldName, field_type: op.fieldType };
      break;
  }
  if (op.traceContext) message.trace_context = op.traceContext;
  return ShardOperationType.encode(ShardOperationType.fromObject(message)).finish();
}

export function decodeOperation(bytes: Uint8Array): ShardOperation {
  // biome-ignore lint: read from the message shape
  const m = ShardOperationType.toObject(ShardOperationType.decode(bytes), TO_OBJECT) as Record<string, any>;
  const traceContext = m.trace_context && Object.keys(m.trace_context).length ? m.trace_context : undefined;
  switch (m.kind) {
    case 'upsert': {
      const u = m.upsert;
      const ids = (u.ids ?? []).map(pointKeyFromMessage);
      const payloads = (u.payloads ?? []).map((p: { fields?: Record<string, ValueMessage> }) =>
        p.fields && Object.keys(p.fields).length ? payloadFromMessage(p.fields) : null,
      );
      return { kind: 'upsert', ids, dim: u.dim ?? 0, vectors: floatsFromBytes(u.vectors ?? new Uint8Array()), payloads, traceContext };
    }
    case 'delete_points':
      return { kind: 'delete_points', ids: (m.delete_points.ids ?? []).map(pointKeyFromMessage), traceContext };
    case 'create_field_index':
    case 'delete_field_index':
      return { kind: m.kind, fieldName: m[m.kind].field_name ?? '', fieldType: m[m.kind].field_type ?? '', traceContext };
    default:
      throw new Error(`unknown shard operation kind ${String(m.kind)}`);
  }
}
