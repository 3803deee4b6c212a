# syntax=docker/dockerfile:1
# quiver image: one image for every role; the command picks the role.
#   all-in-one (default CMD):  node --import tsx services/all-in-one/main.ts
#   split roles:               node --import tsx services/{ingress,indexer,query}/main.ts
# Build: docker build -t quiver .

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install dependencies, compiling hnswlib-node's native addon --------------------------
FROM ${NODE_IMAGE} AS build
# node-gyp needs python3, make and a C++ compiler to build hnswlib-node.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only: quiver runs its TypeScript with tsx (a runtime dependency) and has
# no build step. The cache mount keeps npm's download cache between builds (BuildKit).
RUN --mount=type=cache,target=/root/.npm \
    npm install --omit=dev --no-audit --no-fund

# ---- runtime -------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="quiver" \
      org.opencontainers.image.description="A vector database that speaks Qdrant's gRPC API" \
      org.opencontainers.image.licenses="Apache-2.0"

# Container defaults; each can be overridden at run time.
ENV NODE_ENV=production
# Listen on all interfaces: quiver's default, 127.0.0.1, is unreachable from outside a container.
ENV QDRANT__SERVICE__HOST=0.0.0.0 \
    QDRANT__SERVICE__GRPC_PORT=6334 \
    QUIVER__INDEXER__HOST=0.0.0.0 \
    QUIVER__INDEXER__PORT=6335
# There is no redis-server in this image: Redis is always a separate service, found at REDIS_URL.
ENV QUIVER__REDIS__AUTOSTART=false
# Shard replicas (indexer role) live here; mount a volume at this path.
ENV QDRANT__STORAGE__STORAGE_PATH=/var/lib/quiver

WORKDIR /app
# Application files stay owned by root, so the process cannot modify its own code.
COPY --from=build /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY proto ./proto
COPY libs ./libs
COPY services ./services

# The storage directory belongs to the unprivileged `node` user (uid 1000) of the base image;
# a fresh Docker named volume mounted here inherits this ownership.
RUN mkdir -p /var/lib/quiver && chown 1000:1000 /var/lib/quiver
# Numeric, so Kubernetes' runAsNonRoot can verify it without resolving a user name.
USER 1000:1000

# 6334: public gRPC API (ingress, query, all-in-one); 6335: internal shard RPC (indexer).
EXPOSE 6334 6335

# node runs as PID 1 directly (no npm wrapper) so it receives SIGTERM itself and stops gracefully
# within ~10 s; give it more than that (compose stop_grace_period, k8s terminationGracePeriodSeconds).
CMD ["node", "--import", "tsx", "services/all-in-one/main.ts"]
