// Domain <-> internal shard RPC message shapes (proto/internal/shard.proto).
import {
  floatsFromBytes, floatsToBytes, payloadFromMessage, payloadToMessage, pointKeyFromMessage, pointKeyToMessage,
  type PayloadSelector, type PointRecord, type ReadSelectors, type ScoredRecord, type SearchRequest,
} from '../engine/index.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

export function selectorsToMessage(s: ReadSelectors): Message {
  return { payload_mode: s.payload.mode, payload_keys: s.payload.keys ?? [], vector: s.vector };
}

export function selectorsFromMessage(m: Message | undefined): ReadSelectors {
  return {
    payload: { mode: (m?.payload_mode || 'none') as PayloadSelector['mode'], keys: m?.payload_keys ?? [] },
    vector: Boolean(m?.vector),
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
  };
}

export function searchFromMessage(m: Message): SearchRequest {
  return {
    vector: floatsFromBytes(m.vector),
    top: m.top,
    scoreThreshold: m.score_threshold,
    hnswEf: m.hnsw_ef,
    exact: m.exact,
    selectors: selectorsFromMessage(m.selectors),
  };
}

export function pointToMessage(p: PointRecord | ScoredRecord): Message {
  const out: Message = { id: pointKeyToMessage(p.id) };
  if (p.payload) out.payload = { fields: payloadToMessage(p.payload) };
  if (p.vector) out.vector = Buffer.from(floatsToBytes(p.vector));
  if ('score' in p) {
    out.score = p.score;
    out.version = String(p.version);
  }
  return out;
}

/** A point without its score, as Get and Scroll answer. */
export function recordFromMessage(m: Message): PointRecord {
  const { id, payload, vector } = scoredFromMessage(m);
  return { id, payload, vector };
}

export function scoredFromMessage(m: Message): ScoredRecord {
  return {
    id: pointKeyFromMessage(m.id),
    payload: m.payload ? payloadFromMessage(m.payload.fields) : null,
    vector: m.vector ? floatsFromBytes(m.vector) : null,
    score: m.score ?? 0,
    version: Number(m.version ?? 0),
  };
}
