// qdrant.Qdrant/HealthCheck, answered without authentication, as Qdrant does. The version is the
// Qdrant API version quiver follows, so official clients' compatibility checks pass.
import { QDRANT_COMPATIBLE_VERSION, type RpcSpec } from '../../libs/api/index.ts';

export const healthCheckRpc: RpcSpec = {
  access: 'none',
  handler: async () => ({ title: 'qdrant - vector search engine', version: QDRANT_COMPATIBLE_VERSION }),
};
