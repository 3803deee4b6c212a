// Payload projection for reads (Qdrant's with_payload include/exclude selectors).
import type { Payload, PayloadSelector, PayloadValue } from './types.ts';

/** The payload as the selector asks for it; null when no payload is to be returned. */
export function selectPayload(payload: Payload | null, selector: PayloadSelector): Payload | null {
  switch (selector.mode) {
    case 'none':
      return null;
    case 'all':
      return payload ?? {};
    case 'include': {
      const out: Payload = {};
      if (!payload) return out;
      for (const key of selector.keys ?? []) copyPath(payload, out, key.split('.'));
      return out;
    }
    case 'exclude': {
      if (!payload) return {};
      const out = structuredClone(payload);
      for (const key of selector.keys ?? []) deletePath(out, key.split('.'));
      return out;
    }
  }
}

function isObject(value: PayloadValue | undefined): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copyPath(from: Payload, to: Payload, parts: string[]): void {
  const [head, ...rest] = parts;
  if (!(head in from)) return;
  const value = from[head];
  if (rest.length === 0) {
    to[head] = value;
    return;
  }
  if (!isObject(value)) return;
  const target = isObject(to[head]) ? (to[head] as Payload) : (to[head] = {});
  copyPath(value, target, rest);
}

function deletePath(obj: Payload, parts: string[]): void {
  const [head, ...rest] = parts;
  if (rest.length === 0) {
    delete obj[head];
    return;
  }
  const next = obj[head];
  if (isObject(next)) deletePath(next, rest);
}
