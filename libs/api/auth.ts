// API-key authentication, as Qdrant does it: keys come in `api-key` metadata or as
// `authorization: Bearer <key>`; auth applies only when a key is configured; health checks are
// always let through. Keys are compared in constant time.
import crypto from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { QuiverError } from '../errors/index.ts';

/** What an RPC needs: 'none' (health), 'read' (reads), 'write' (writes and management). */
export type Access = 'none' | 'read' | 'write';

export interface AuthKeys {
  apiKey?: string;
  readOnlyApiKey?: string;
}

function sameKey(given: string, expected: string | undefined): boolean {
  if (!expected) return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

function presentedKey(metadata: grpc.Metadata): string | undefined {
  const apiKey = metadata.get('api-key')[0];
  if (apiKey !== undefined) return String(apiKey);
  const authorization = metadata.get('authorization')[0];
  const match = authorization === undefined ? null : /^Bearer\s+(.+)$/i.exec(String(authorization));
  return match ? match[1] : undefined;
}

/** Throws unauthenticated / forbidden when the call may not proceed. */
export function authorize(keys: AuthKeys, metadata: grpc.Metadata, access: Access): void {
  if (access === 'none' || (!keys.apiKey && !keys.readOnlyApiKey)) return;
  const key = presentedKey(metadata);
  if (key === undefined) throw new QuiverError('unauthenticated', 'Must provide an API key or an Authorization bearer token');
  if (sameKey(key, keys.apiKey)) return;
  if (sameKey(key, keys.readOnlyApiKey)) {
    if (access === 'read') return;
    throw new QuiverError('forbidden', 'Forbidden: Global manage access is required');
  }
  throw new QuiverError('unauthenticated', 'Invalid API key or JWT');
}
