# syntax=docker/dockerfile:1
# wamux gateway image: dependencies and the embedded-database template are built in the first stage;
# the runtime stage runs as the unprivileged `node` user with node itself as PID 1 (exec form), so
# `docker stop` (SIGTERM) reaches the gateway and it shuts down gracefully.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# Install scripts run after the sources are in place: patch-package now, the PGlite template below.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npx patch-package
COPY src ./src
COPY scripts/pglite-template.ts ./scripts/pglite-template.ts
# An empty, migrated embedded database that a first boot without DATABASE_URL copies in a moment.
RUN node scripts/pglite-template.ts

# The web console's static bundle (Vite is a dev dependency, needed only to build it).
FROM node:24-bookworm-slim AS console
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY console ./console
COPY src/http/console.route.ts ./src/http/console.route.ts
COPY scripts/build-console.ts ./scripts/build-console.ts
RUN node scripts/build-console.ts

FROM node:24-bookworm-slim
# GLIBC_TUNABLES, as `./wamux start` sets it for embedded PGlite: V8 compiles PGlite's WebAssembly
# once after boot with ≈ 600 MB of scratch memory, and glibc's malloc (whose mmap threshold grows
# with what was freed) keeps it; a fixed 128 KiB threshold hands it back (idle gateway 338 → 268 MiB
# RSS). With DATABASE_URL it only makes large allocations their own mappings; override it to change.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=2121 \
    DATA_DIR=/data \
    LOG_FORMAT=json \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072
WORKDIR /app
COPY --from=build /app /app
COPY --from=console /app/console/dist /app/console/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 2121
# Ready, not just alive: database answering, migrations applied, stored instances restored.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 2121) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "src/main.ts"]
