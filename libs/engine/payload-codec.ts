// Conversion between the engine's payload values and the `qdrant.Value` message shape of
// json_with_int.proto (as protobufjs/proto-loader objects: int64 as decimal strings, the oneof
// named by `kind`). Integers stay integers (bigint); doubles stay doubles, even 1.0.
import { badInput } from '../errors/index.ts';
import type { Payload, PayloadValue } from './types.ts';

// biome-ignore lint: the message shape is structural
export type ValueMessage = Record<string, any>;

export function valueFromMessage(value: ValueMessage | null | undefined): PayloadValue {
  if (!value) return null;
  if ('string_value' in value) return value.string_value;
  if ('integer_value' in value) return BigInt(value.integer_value);
  if ('double_value' in value) {
    const n = Number(value.double_value);
    if (!Number.isFinite(n)) throw badInput('cannot convert to json number');
    return n;
  }
  if ('bool_value' in value) return Boolean(value.bool_value);
  if ('struct_value' in value) return payloadFromMessage(value.struct_value?.fields);
  if ('list_value' in value) return (value.list_value?.values ?? []).map(valueFromMessage);
  return null; // null_value, or a Value with no kind (Qdrant reads that as null too)
}

export function payloadFromMessage(fields: Record<string, ValueMessage> | null | undefined): Payload {
  const out: Payload = {};
  if (fields) for (const key of Object.keys(fields)) out[key] = valueFromMessage(fields[key]);
  return out;
}

export function valueToMessage(value: PayloadValue): ValueMessage {
  switch (typeof value) {
    case 'string':
      return { string_value: value };
    case 'bigint':
      return { integer_value: value.toString() };
    case 'number':
      return { double_value: value };
    case 'boolean':
      return { bool_value: value };
    default:
      if (value === null) return { null_value: 'NULL_VALUE' };
      if (Array.isArray(value)) return { list_value: { values: value.map(valueToMessage) } };
      return { struct_value: { fields: payloadToMessage(value) } };
  }
}

export function payloadToMessage(payload: Payload | null): Record<string, ValueMessage> {
  const out: Record<string, ValueMessage> = {};
  if (payload) for (const key of Object.keys(payload)) out[key] = valueToMessage(payload[key]);
  return out;
}
