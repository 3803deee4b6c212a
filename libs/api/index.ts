export { publicPackageDefinition, publicServices, loaderOptions, protoDir, QDRANT_COMPATIBLE_VERSION, type PublicServiceName } from './proto.ts';
export { toStatus } from './status.ts';
export { authorize, type Access, type AuthKeys } from './auth.ts';
export { unaryCall, type CallContext, type RpcSpec, type UnaryHandler } from './unary.ts';
export * from './validate.ts';
export * from './convert/point-id.ts';
export * from './convert/vectors.ts';
export * from './convert/selectors.ts';
export * from './convert/collection-config.ts';
