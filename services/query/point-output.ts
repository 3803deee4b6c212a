// Engine points -> qdrant.ScoredPoint / RetrievedPoint messages (payload and vectors only when
// they were selected; order_value when an order_by query set it).
import { namedVectorsOutput, pointIdToWire, vectorOutput } from '../../libs/api/index.ts';
import { type PointRecord, payloadToMessage, type ScoredRecord } from '../../libs/engine/index.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

export function retrievedPointMessage(p: PointRecord): Message {
  const out: Message = { id: pointIdToWire(p.id), payload: payloadToMessage(p.payload) };
  if (p.named) out.vectors = namedVectorsOutput(p.named); // a collection with named vectors
  else if (p.vector) out.vectors = vectorOutput(p.vector);
  return out;
}

export function scoredPointMessage(p: ScoredRecord): Message {
  return withOrderValue({ ...retrievedPointMessage(p), score: p.score, version: String(p.version) }, p);
}

/** A point message with its qdrant.OrderValue, when an order_by set one (int or float, as the index reads it). */
export function withOrderValue(out: Message, p: ScoredRecord): Message {
  if (typeof p.orderValue === 'bigint') out.order_value = { int: String(p.orderValue) };
  else if (typeof p.orderValue === 'number') out.order_value = { float: p.orderValue };
  return out;
}
