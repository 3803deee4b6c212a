// Builders for the official client's message shapes (protobuf-es: oneofs as {case, value}), and
// readers for its answers, so tests read as a user's code does.
import type { PointId, Value } from '@qdrant/js-client-grpc';

export type Id = bigint | string;

export const pid = (id: Id) =>
  typeof id === 'bigint' ? { pointIdOptions: { case: 'num' as const, value: id } } : { pointIdOptions: { case: 'uuid' as const, value: id } };

export const idOf = (id: PointId | undefined): Id => {
  const o = id?.pointIdOptions;
  if (o?.case === 'num') return o.value;
  if (o?.case === 'uuid') return o.value;
  throw new Error('point without id');
};

export const denseVectors = (data: number[]) => ({ vectorsOptions: { case: 'vector' as const, value: { data } } });

export type Json = null | boolean | number | bigint | string | Json[] | { [k: string]: Json };

/** JSON -> qdrant.Value: bigint becomes integer_value, number becomes double_value. */
export function toValue(v: Json): Record<string, unknown> {
  if (v === null) return { kind: { case: 'nullValue', value: 0 } };
  if (typeof v === 'bigint') return { kind: { case: 'integerValue', value: v } };
  if (typeof v === 'number') return { kind: { case: 'doubleValue', value: v } };
  if (typeof v === 'string') return { kind: { case: 'stringValue', value: v } };
  if (typeof v === 'boolean') return { kind: { case: 'boolValue', value: v } };
  if (Array.isArray(v)) return { kind: { case: 'listValue', value: { values: v.map(toValue) } } };
  return { kind: { case: 'structValue', value: { fields: toPayload(v) } } };
}

export function toPayload(obj: { [k: string]: Json }): Record<string, never> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, toValue(v)])) as Record<string, never>;
}

export function fromValue(v: Value): Json {
  const k = v.kind;
  switch (k.case) {
    case 'nullValue': return null;
    case 'integerValue': return k.value;
    case 'doubleValue': return k.value;
    case 'stringValue': return k.value;
    case 'boolValue': return k.value;
    case 'listValue': return k.value.values.map(fromValue);
    case 'structValue': return fromPayload(k.value.fields);
    default: return null;
  }
}

export function fromPayload(fields: { [k: string]: Value }): { [k: string]: Json } {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, fromValue(v)]));
}

export const enable = (value: boolean) => ({ selectorOptions: { case: 'enable' as const, value } });
