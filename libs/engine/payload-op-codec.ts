// Message shapes of the payload operations in proto/internal/operations.proto (SetPayload,
// DeletePayload, PointTarget), to and from the engine's operations. Used by op-codec.ts.
import { decodeFilter, encodeFilter } from './filter/index.ts';
import type { PayloadOperation, PointTarget } from './operations.ts';
import { payloadFromMessage, payloadToMessage } from './payload-codec.ts';
import { pointKeyFromMessage, pointKeyToMessage } from './op-codec.ts'; // functions only: the import cycle is safe

// biome-ignore lint: the message shape is structural
type Message = Record<string, any>;

/** A filter target travels as encodeFilter() bytes, decoded again when the replica applies it. */
function targetToMessage(target: PointTarget): Message {
  return 'ids' in target ? { ids: { ids: target.ids.map(pointKeyToMessage) } } : { filter: encodeFilter(target.filter) };
}

function targetFromMessage(m: Message | undefined): PointTarget {
  if (m?.filter) return { filter: decodeFilter(m.filter) };
  return { ids: (m?.ids?.ids ?? []).map(pointKeyFromMessage) };
}

/** The message of one payload operation, to be set as the ShardOperation field named op.kind. */
export function payloadOperationToMessage(op: PayloadOperation): Message {
  switch (op.kind) {
    case 'set_payload':
      return { target: targetToMessage(op.target), payload: { fields: payloadToMessage(op.payload) }, ...(op.key === undefined ? {} : { key: op.key }) };
    case 'overwrite_payload':
      return { target: targetToMessage(op.target), payload: { fields: payloadToMessage(op.payload) } };
    case 'delete_payload':
      return { target: targetToMessage(op.target), keys: op.keys };
    case 'clear_payload':
      return targetToMessage(op.target);
  }
}

export function payloadOperationFromMessage(kind: PayloadOperation['kind'], m: Message): PayloadOperation {
  switch (kind) {
    case 'set_payload':
      return {
        kind, target: targetFromMessage(m.target), payload: payloadFromMessage(m.payload?.fields),
        ...(m.key === undefined || m.key === null ? {} : { key: m.key as string }),
      };
    case 'overwrite_payload':
      return { kind, target: targetFromMessage(m.target), payload: payloadFromMessage(m.payload?.fields) };
    case 'delete_payload':
      return { kind, target: targetFromMessage(m.target), keys: m.keys ?? [] };
    case 'clear_payload':
      return { kind, target: targetFromMessage(m) };
  }
}
