// Scroll with order_by, as Qdrant answers it: points ordered by one value of the key each (see
// orderByScorer and libs/engine/scorers.ts), ties by id, filtered, each with its order_value.
// There is no id `offset` (refused) and no next_page_offset: Qdrant pages with start_from plus a
// filter excluding the ids already seen at that value.
import type { CollectionRecord } from '../../libs/cluster/index.ts';
import type { Filter, ReadSelectors } from '../../libs/engine/index.ts';
import { badInput } from '../../libs/errors/index.ts';
import type { ReplicaRouter } from '../common/replica-router.ts';
import { mergeOrder, orderByScorer } from './order-by.ts';
import { idKey } from './point-keys.ts';
import { retrievedPointMessage, withOrderValue } from './point-output.ts';
import { orderByFromWire } from './query-plan.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

export interface OrderedScrollRequest {
  orderBy: Message;
  /** The request's id offset, which order_by refuses. */
  offset: Message | undefined;
  filter: Filter | undefined;
  limit: number;
  selectors: ReadSelectors;
}

/** Validates before asking any shard; answers a ScrollResponse body. */
export async function orderedScroll(record: CollectionRecord, router: ReplicaRouter, req: OrderedScrollRequest, signal: AbortSignal): Promise<Message> {
  const scorer = orderByScorer(record, orderByFromWire(req.orderBy));
  if (req.offset) {
    throw badInput(
      "Cannot use an `offset` when using `order_by`. The alternative for paging is to use `order_by.start_from` and a filter to exclude the IDs that you've already seen for the `order_by.start_from` value",
    );
  }
  const request = { vector: new Float32Array(0), top: req.limit, scorer, selectors: req.selectors, ...(req.filter ? { filter: req.filter } : {}) };
  const routed = await router.routeAll(record);
  const perShard = await Promise.all(routed.map((r) => r.reader.search(r.replica, request, signal)));
  const seen = new Set<string>();
  const page = perShard
    .flat()
    .sort(mergeOrder(scorer))
    .filter((p) => !seen.has(idKey(p.id)) && seen.add(idKey(p.id)))
    .slice(0, req.limit);
  return { result: page.map((p) => withOrderValue(retrievedPointMessage(p), p)) };
}
