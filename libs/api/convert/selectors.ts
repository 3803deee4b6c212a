// with_payload / with_vectors selectors. Defaults differ per RPC (Scroll returns payload by
// default, Search/Get/Query do not), so the caller passes its default.
import { badInput } from '../../errors/index.ts';
import type { PayloadSelector, ReadSelectors, VectorSelector } from '../../engine/index.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

export function payloadSelectorFromWire(selector: Message | undefined, payloadByDefault: boolean): PayloadSelector {
  if (selector === undefined || selector === null) return { mode: payloadByDefault ? 'all' : 'none' };
  if (selector.enable !== undefined) return { mode: selector.enable ? 'all' : 'none' };
  if (selector.include) return { mode: 'include', keys: selector.include.fields ?? [] };
  if (selector.exclude) return { mode: 'exclude', keys: selector.exclude.fields ?? [] };
  throw badInput('No PayloadSelector');
}

/** with_vectors: absent or disabled -> none, enable -> all, include -> those names ("" is the unnamed vector). */
export function vectorSelectorFromWire(selector: Message | undefined): VectorSelector {
  if (!selector) return false;
  if (selector.enable !== undefined) return Boolean(selector.enable);
  if (selector.include) return selector.include.names ?? [];
  return false;
}

export function readSelectorsFromWire(request: Message, payloadByDefault: boolean): ReadSelectors {
  return {
    payload: payloadSelectorFromWire(request.with_payload, payloadByDefault),
    vector: vectorSelectorFromWire(request.with_vectors),
  };
}
