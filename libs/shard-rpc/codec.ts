// Domain <-> internal shard RPC message shapes (proto/internal/shard.proto).
import {
  decodeFilter, encodeFilter, type Filter, floatsFromBytes, floatsToBytes, payloadFromMessage, payloadToMessage, pointKeyFromMessage, pointKeyToMessage,
  type PayloadSelector, type PointRecord, type ReadSelectors, type ScoredRecord, type Scorer, type SearchRequest, type OrderValueType,
} from '../engine/index.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

export function selectorsToMessage(s: ReadSelectors): Message {
  const include = Array.isArray(s.vector);
  return {
    payload_mode: s.payload.mode, payload_keys: s.payload.keys ?? [],
    vector: s.vector === true, vector_include: include, vector_names: include ? s.vector : [],
  };
}

export function selectorsFromMessage(m: Message | undefined): ReadSelectors {
  return {
    payload: { mode: (m?.payload_mode || 'none') as PayloadSelector['mode'], keys: m?.payload_keys ?? [] },
    vector: m?.vector_include ? (m.vector_names ?? []) : Boolean(m?.vector),
  };
}

export function searchToMessage(replica: string, r: SearchRequest): Message {
  return {
    replica,
    vector: Buffer.from(floatsToBytes(r.vector)),
    top: r.top,
    score_threshold: r.scoreThreshold,
    hnsw_ef: r.hnswEf,
    exact: Boolean(r.exact),
    selectors: selectorsToMessage(r.selectors),
    ...(r.scorer ? { scorer: scorerToMessage(r.scorer) } : {}),
    ...(r.candidates ? { restricted: true, candidates: r.candidates.map(pointKeyToMessage) } : {}),
    ...(r.filter ? { filter: Buffer.from(encodeFilter(r.filter)) } : {}),
    ...(r.vectorName ? { vector_name: r.vectorName } : {}),
  };
}

/** A filter for a shard request field (bytes; empty when there is none). */
export function filterToBytes(filter: Filter | undefined): Buffer | undefined {
  return filter ? Buffer.from(encodeFilter(filter)) : undefined;
}

export function filterFromBytes(bytes: Uint8Array | undefined | null): Filter | undefined {
  return bytes && bytes.length > 0 ? decodeFilter(bytes) : undefined;
}

export function searchFromMessage(m: Message): SearchRequest {
  return {
    vector: floatsFromBytes(m.vector),
    top: m.top,
    scoreThreshold: m.score_threshold,
    hnswEf: m.hnsw_ef,
    exact: m.exact,
    selectors: selectorsFromMessage(m.selectors),
    ...(m.scorer ? { scorer: scorerFromMessage(m.scorer) } : {}),
    ...(m.restricted ? { candidates: (m.candidates ?? []).map(pointKeyFromMessage) } : {}),
    ...(m.filter?.length ? { filter: filterFromBytes(m.filter) } : {}),
    ...(m.vector_name ? { vectorName: m.vector_name } : {}), // absent: the unnamed vector
  };
}

const bytes = (v: Float32Array) => Buffer.from(floatsToBytes(v));

export function scorerToMessage(s: Scorer): Message {
  switch (s.kind) {
    case 'best_score':
    case 'sum_scores':
      return { kind: s.kind, positives: s.positives.map(bytes), negatives: s.negatives.map(bytes) };
    case 'discover':
    case 'context':
      return {
        kind: s.kind,
        positives: s.pairs.map((p) => bytes(p.positive)),
        negatives: s.pairs.map((p) => bytes(p.negative)),
        ...(s.kind === 'discover' ? { target: bytes(s.target) } : {}),
      };
    case 'order_by':
      return {
        kind: s.kind, key: s.key, descending: s.descending, value_type: s.valueType,
        ...(typeof s.startFrom === 'bigint' ? { start_from_int: String(s.startFrom) } : s.startFrom === undefined ? {} : { start_from: s.startFrom }),
      };
    case 'random':
      return { kind: s.kind };
  }
}

function orderValueType(type: unknown): OrderValueType {
  if (type === 'integer' || type === 'float' || type === 'datetime') return type;
  throw new Error(`unknown order_by value type ${String(type)}`);
}

export function scorerFromMessage(m: Message): Scorer {
  const positives: Float32Array[] = (m.positives ?? []).map(floatsFromBytes);
  const negatives: Float32Array[] = (m.negatives ?? []).map(floatsFromBytes);
  const pairs = positives.map((positive, i) => ({ positive, negative: negatives[i] }));
  switch (m.kind) {
    case 'best_score':
    case 'sum_scores':
      return { kind: m.kind, positives, negatives };
    case 'discover':
      return { kind: 'discover', target: floatsFromBytes(m.target), pairs };
    case 'context':
      return { kind: 'context', pairs };
    case 'order_by':
      return {
        kind: 'order_by', key: m.key ?? '', descending: Boolean(m.descending), valueType: orderValueType(m.value_type),
        ...(m.start_from_int !== undefined ? { startFrom: BigInt(m.start_from_int) } : m.start_from === undefined ? {} : { startFrom: m.start_from }),
      };
    case 'random':
      return { kind: 'random' };
    default:
      throw new Error(`unknown scorer kind ${m.kind}`);
  }
}

export function pointToMessage(p: PointRecord | ScoredRecord): Message {
  const out: Message = { id: pointKeyToMessage(p.id) };
  if (p.payload) out.payload = { fields: payloadToMessage(p.payload) };
  if (p.vector) out.vector = Buffer.from(floatsToBytes(p.vector));
  if (p.named) {
    out.has_named = true;
    out.named = Object.fromEntries(Object.entries(p.named).map(([name, v]) => [name, Buffer.from(floatsToBytes(v))]));
  }
  if ('score' in p) {
    out.score = p.score;
    out.version = String(p.version);
    if (typeof p.orderValue === 'bigint') out.order_int = String(p.orderValue);
    else if (typeof p.orderValue === 'number') out.order_float = p.orderValue;
  }
  return out;
}

/** A point without its score, as Get and Scroll answer. */
export function recordFromMessage(m: Message): PointRecord {
  const { id, payload, vector, named } = scoredFromMessage(m);
  return { id, payload, vector, ...(named ? { named } : {}) };
}

export function scoredFromMessage(m: Message): ScoredRecord {
  return {
    id: pointKeyFromMessage(m.id),
    payload: m.payload ? payloadFromMessage(m.payload.fields) : null,
    vector: m.vector ? floatsFromBytes(m.vector) : null,
    score: m.score ?? 0,
    version: Number(m.version ?? 0),
    ...(m.order_int !== undefined ? { orderValue: BigInt(m.order_int) } : m.order_float !== undefined ? { orderValue: m.order_float } : {}),
    ...(m.has_named
      ? { named: Object.fromEntries(Object.entries(m.named ?? {}).map(([name, bytes]) => [name, floatsFromBytes(bytes as Uint8Array)])) }
      : {}),
  };
}
