# syntax=docker/dockerfile:1
# One image for every sweepq process; the command picks the role:
#   docker run sweepq dist/services/scheduler/main.js   |   docker run sweepq dist/services/worker/main.js

# --- build: full dependency tree, compile TypeScript to dist/ ---------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would run the build before the sources are copied.
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY scripts ./scripts
COPY shared ./shared
COPY services ./services
# The build compiles, copies the Lua assets, bundles the process entry points (dist/bundle) and
# builds the dashboard (dist/ui).
RUN npm run build

# --- runtime: production dependencies + compiled output, non-root ---------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    SWEEPQ_STATE_DIR=/var/lib/sweepq
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/shared ./dist/shared
COPY --from=build /app/dist/services ./dist/services
COPY --from=build /app/dist/ui ./dist/ui
COPY --from=build /app/dist/bundle ./dist/bundle
COPY bin ./bin
# sweepq_report.py: put on PYTHONPATH of program trials (issue 14).
COPY python ./python
# State folder (dataset cache; embedded redis if REDIS_URL is unset) owned by the unprivileged `node` user.
RUN mkdir -p /var/lib/sweepq && chown node:node /var/lib/sweepq
# The bundles' V8 code cache is written beside them by the first run (see shared/runtime/cached-bundle.ts).
RUN chown node:node /app/dist/bundle
USER node
EXPOSE 8080
ENTRYPOINT ["node"]
CMD ["dist/services/scheduler/main.js"]
