// order_by a payload key, shared by Query and Scroll: Qdrant requires a range-capable payload index
// on the key (integer, float or datetime), and the index type decides how values are read and what
// order_value says (see OrderValueType in libs/engine/scorers.ts).
import type { CollectionRecord } from '../../libs/cluster/index.ts';
import { type OrderValueType, type ScoredRecord, type Scorer, scorerOrder } from '../../libs/engine/index.ts';
import { badRequest } from '../../libs/errors/index.ts';
import type { QueryKind } from './query-plan.ts';

const VALUE_TYPE_OF_INDEX: Record<string, OrderValueType> = {
  FieldTypeInteger: 'integer',
  FieldTypeFloat: 'float',
  FieldTypeDatetime: 'datetime',
};

/** The shard scorer for an order_by; refused (Bad request) when the key has no range index. */
export function orderByScorer(record: CollectionRecord, orderBy: QueryKind & { kind: 'order_by' }): Scorer & { kind: 'order_by' } {
  const valueType = VALUE_TYPE_OF_INDEX[record.payloadIndexes[orderBy.key]];
  if (!valueType) {
    throw badRequest(
      `No range index for \`order_by\` key: \`${orderBy.key}\`. Please create one to use \`order_by\`. Check https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which payload schemas support Range conditions`,
    );
  }
  return {
    kind: 'order_by', key: orderBy.key, descending: orderBy.descending, valueType,
    ...(orderBy.startFrom === undefined ? {} : { startFrom: orderBy.startFrom }),
  };
}

/** Shard results of an order_by merged as the shards ordered them: (order value, id), in the direction. */
export function mergeOrder(scorer: Scorer & { kind: 'order_by' }): (a: ScoredRecord, b: ScoredRecord) => number {
  const order = scorerOrder(scorer);
  return (a, b) => order({ id: a.id, rank: a.score, orderValue: a.orderValue }, { id: b.id, rank: b.score, orderValue: b.orderValue });
}
