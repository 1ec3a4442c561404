# wrapped-me as a scheduled container: `wrapped run` once, then exit (Azure Container Apps job,
# or any scheduler). State and login live in the lake (WRAPPED_STATE=lake), so the container's
# disk starts empty every time. NOT BUILT HERE: the development machine has no Docker daemon and
# no access to a container registry (README, "A scheduled container job").

# Build: every dependency (the TypeScript compiler too), then only what runs.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; built below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    WRAPPED_HOME=/tmp/wrapped-home \
    WRAPPED_STATE=lake
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY models ./models
COPY web ./web
# The image's own non-root user; HOME is a scratch folder in /tmp, deleted with the container.
USER node
ENTRYPOINT ["node", "/app/bin/wrapped.js"]
CMD ["run"]
