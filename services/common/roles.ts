// Which role serves which public RPCs. In the split deployment a mesh routes each method to the
// role that serves it (infra/); a process asked for a method of a role it does not run says so.
// HealthCheck is served by every role. A test checks these lists against the handler tables.
import type { Role } from '../../libs/config/index.ts';

export const INGRESS_METHODS = new Set([
  'Collections/Create', 'Collections/Update', 'Collections/Get', 'Collections/List', 'Collections/Delete', 'Collections/CollectionExists',
  'Collections/UpdateAliases', 'Collections/ListAliases', 'Collections/ListCollectionAliases',
  'Collections/CollectionClusterInfo', 'Collections/UpdateCollectionClusterSetup',
  'Points/Upsert', 'Points/Delete', 'Points/CreateFieldIndex', 'Points/DeleteFieldIndex',
  'Points/SetPayload', 'Points/OverwritePayload', 'Points/DeletePayload', 'Points/ClearPayload', 'Points/UpdateBatch',
  'Points/UpdateVectors', 'Points/DeleteVectors',
]);

export const QUERY_METHODS = new Set([
  'Points/Get', 'Points/Search', 'Points/SearchBatch', 'Points/Count', 'Points/Scroll',
  'Points/Query', 'Points/QueryBatch', 'Points/QueryGroups', 'Points/SearchGroups',
  'Points/Recommend', 'Points/RecommendBatch', 'Points/RecommendGroups', 'Points/Discover', 'Points/DiscoverBatch',
]);

/** The role that serves a method, or null when no role does yet. */
export function roleServing(method: string): Role | null {
  if (INGRESS_METHODS.has(method)) return 'ingress';
  if (QUERY_METHODS.has(method)) return 'query';
  return null;
}
