// Grouping of query results by a payload field (SearchGroups, RecommendGroups, QueryGroups), as
// Qdrant does it: hits are taken best first; a hit joins the group of each value its `group_by`
// field holds (a string or an integer, or an array of them; other values and missing fields put
// the hit in no group); a new group is opened only while fewer than `limit` groups exist; a group
// takes at most `groupSize` hits. Groups are ordered by their best hit. If the first batch of hits
// does not fill every group, a larger batch is asked for, until the collection is exhausted.
import type { CollectionRecord } from '../../libs/cluster/index.ts';
import type { PayloadValue, PointId, ReadSelectors, ScoredRecord } from '../../libs/engine/index.ts';
import { parseUuid } from '../../libs/api/index.ts';
import { idKey } from './point-keys.ts';
import { retrievedPointMessage, scoredPointMessage } from './point-output.ts';
import type { QueryNode } from './query-plan.ts';
import type { QueryRunner } from './query-runner.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

/** with_lookup: the point whose id is the group's value, from another collection. */
export interface GroupLookup {
  collection: string;
  selectors: ReadSelectors;
}

export interface GroupSpec {
  groupBy: string;
  groupSize: number;
  limit: number;
  withLookup?: GroupLookup;
}

type GroupValue = string | bigint;

interface Group {
  value: GroupValue;
  hits: ScoredRecord[];
}

function groupValues(payload: PayloadValue | null, path: string[]): GroupValue[] {
  let value: PayloadValue | undefined = payload ?? undefined;
  for (const part of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
    value = value[part];
  }
  const values = (Array.isArray(value) ? value : [value]).filter((v): v is GroupValue => typeof v === 'string' || typeof v === 'bigint');
  return [...new Set(values)];
}

function fill(points: ScoredRecord[], spec: GroupSpec): Group[] {
  const path = spec.groupBy.split('.');
  const groups = new Map<string, Group>();
  for (const p of points) {
    for (const value of groupValues(p.payload, path)) {
      const key = typeof value === 'bigint' ? `n${value}` : `s${value}`;
      let group = groups.get(key);
      if (!group) {
        if (groups.size >= spec.limit) continue;
        group = { value, hits: [] };
        groups.set(key, group);
      }
      if (group.hits.length < spec.groupSize) group.hits.push(p);
    }
  }
  return [...groups.values()];
}

export function groupIdMessage(value: GroupValue): Message {
  if (typeof value === 'string') return { string_value: value };
  return value >= 0n ? { unsigned_value: String(value) } : { integer_value: String(value) };
}

function lookupIdOf(value: GroupValue): PointId | undefined {
  if (typeof value === 'bigint') return value >= 0n ? value : undefined;
  try {
    return parseUuid(value);
  } catch {
    return undefined;
  }
}

export async function groupResults(
  runner: QueryRunner, record: CollectionRecord, node: QueryNode, spec: GroupSpec, selectors: ReadSelectors, signal: AbortSignal,
): Promise<Message> {
  const grouping: ReadSelectors = { payload: { mode: 'include', keys: [spec.groupBy] }, vector: false };
  let batch = Math.max(spec.limit * spec.groupSize * 4, 16);
  let groups: Group[];
  for (;;) {
    const points = await runner.run(record, { ...node, limit: batch, offset: 0 }, grouping, signal);
    groups = fill(points, spec);
    const full = groups.length === spec.limit && groups.every((g) => g.hits.length === spec.groupSize);
    if (full || points.length < batch) break;
    batch *= 4;
  }
  const hits = await runner.hydrate(record, groups.flatMap((g) => g.hits), selectors, signal);
  const byId = new Map(hits.map((h) => [idKey(h.id), h]));
  const lookups = new Map<string, Message>();
  if (spec.withLookup) {
    const ids = groups.map((g) => lookupIdOf(g.value)).filter((id): id is PointId => id !== undefined);
    for (const p of await runner.retrieve(spec.withLookup.collection, ids, spec.withLookup.selectors, signal)) lookups.set(idKey(p.id), retrievedPointMessage(p));
  }
  return {
    groups: groups.map((g) => {
      const lookupId = lookupIdOf(g.value);
      const lookup = lookupId === undefined ? undefined : lookups.get(idKey(lookupId));
      return {
        id: groupIdMessage(g.value),
        hits: g.hits.map((h) => scoredPointMessage(byId.get(idKey(h.id)) ?? h)),
        ...(lookup ? { lookup } : {}),
      };
    }),
  };
}
