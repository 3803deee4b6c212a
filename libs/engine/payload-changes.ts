// What a payload operation does to one point's payload, as a pure function old -> new. The old
// payload is never modified (stores and snapshots share payload objects): edits work on a copy.
// Key paths were validated at the ingress; one that does not parse here edits nothing.
import { type JsonPath, mergeInto, parseJsonPath, removeAtPath, setAtPath } from './json-path.ts';
import type { PayloadOperation } from './operations.ts';
import type { Payload } from './types.ts';

export type PayloadChange = (old: Payload | null) => Payload | null;

const copyOf = (payload: Payload | null): Payload => (payload ? structuredClone(payload) : {});

export function payloadChange(op: PayloadOperation): PayloadChange {
  switch (op.kind) {
    case 'set_payload': {
      const path = op.key === undefined ? null : parseJsonPath(op.key);
      if (op.key !== undefined && !path) return (old) => old;
      return (old) => {
        const next = copyOf(old);
        if (path) setAtPath(next, path, op.payload);
        else mergeInto(next, op.payload);
        return next;
      };
    }
    case 'overwrite_payload':
      return () => structuredClone(op.payload);
    case 'delete_payload': {
      const paths = op.keys.map(parseJsonPath).filter((p): p is JsonPath => p !== null);
      return (old) => {
        if (!old) return old;
        const next = copyOf(old);
        for (const path of paths) removeAtPath(next, path);
        return next;
      };
    }
    case 'clear_payload':
      return () => null;
  }
}
