# syntax=docker/dockerfile:1
# The gateway's image (see docs/deployment.md). Three stages: `build` installs every dependency
# and runs `npm run build` (the typed client workspace package, packages/client, then tsc into
# dist/); `deps` installs the production dependencies alone; the final stage takes dist/, those
# node_modules and the client package's dist/ (node_modules/@belvo-graphql-gateway/client is a
# workspace link to it), and runs as the unprivileged `node` user (uid 1000) with NODE_ENV=production.
#   docker build -t belvo-graphql-gateway .
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/client/package.json packages/client/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY explorer ./explorer
COPY packages/client ./packages/client
COPY src ./src
# The offline explorer is served outside production only: its bundle stays out of the image.
RUN npm run build && rm -rf dist/explorer dist/.tsbuildinfo dist/.tests-build-stamp

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/client/package.json packages/client/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
# Owned by root and read-only to the user the gateway runs as.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/packages/client/package.json ./packages/client/
COPY --from=build /app/packages/client/dist ./packages/client/dist
COPY --from=build /app/dist ./dist
# Numeric, so that Kubernetes' runAsNonRoot can check it (the image's `node` user).
USER 1000:1000
EXPOSE 4000
# node, not curl (the slim image has none): /health answers 200 while the process serves.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the drain (SHUTDOWN_GRACE_MS); node runs as PID 1 and handles it itself (not via
# npm, whose prestart would also try to build).
STOPSIGNAL SIGTERM
CMD ["node", "dist/index.js"]
