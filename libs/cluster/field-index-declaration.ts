// A payload index declaration in a collection record: its type, and the PayloadIndexParams given
// with it. Declaring again with the same type and params changes nothing (null: no catalog write);
// a new type or new params replace the old declaration, as Qdrant does.
import type { CollectionRecord } from './collection-record.ts';

export function declareFieldIndex(
  current: CollectionRecord,
  fieldName: string,
  fieldType: string,
  params: Record<string, unknown> | undefined,
): CollectionRecord | null {
  const sameParams = JSON.stringify(current.payloadIndexParams?.[fieldName] ?? null) === JSON.stringify(params ?? null);
  if (current.payloadIndexes[fieldName] === fieldType && sameParams) return null;
  current.payloadIndexes[fieldName] = fieldType;
  const all = { ...(current.payloadIndexParams ?? {}) };
  if (params) all[fieldName] = params;
  else delete all[fieldName];
  current.payloadIndexParams = all;
  return current;
}
