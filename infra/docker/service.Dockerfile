# syntax=docker/dockerfile:1.20
# The image of every Node service, from the repository root; the service table (scripts/services.cjs) names them:
#   docker build -f infra/docker/service.Dockerfile --build-arg SERVICE=orders --build-arg PORT=3003 -t ticketing/orders .
# SERVICE is the service's folder (its workspace), PORT the port its config listens on by default. Only common and
# the service are built and installed; every workspace's package.json is there so that the lockfile matches.
# (The Next.js client has its own Dockerfile: client/Dockerfile.)

# The npm workspace's package.json files, shared by the build and the runtime stages. --parents keeps each in its
# folder, so a new service needs no line here.
FROM node:24.11-bookworm-slim AS workspace
WORKDIR /repo
COPY --parents package.json package-lock.json */package.json ./

FROM workspace AS build
ARG SERVICE
COPY tsconfig.base.json tsconfig.run-from-source.json ./
RUN npm ci --workspace common --workspace "${SERVICE:?build with --build-arg SERVICE=<service folder>}" --include-workspace-root --ignore-scripts
COPY common common
COPY ${SERVICE} ${SERVICE}
# A service without migrations (expiration) gets an empty folder, so the runtime stage copies the same paths for all.
RUN npx tsc -p common/tsconfig.build.json && npx tsc -p "${SERVICE}/tsconfig.build.json" && mkdir -p "${SERVICE}/migrations"

# `skaffold dev` runs this stage: sources, every dependency and tsx, reloading when skaffold syncs a changed file.
FROM build AS dev
ARG SERVICE
RUN chown -R 10001:10001 common/src "${SERVICE}/src"
USER 10001:10001
WORKDIR /repo/${SERVICE}
CMD ["node", "../node_modules/tsx/dist/cli.mjs", "watch", "--clear-screen=false", "--tsconfig", "../tsconfig.run-from-source.json", "src/index.ts"]

FROM node:24.11-bookworm-slim AS runtime
ARG SERVICE
ARG PORT
ENV NODE_ENV=production
WORKDIR /app
COPY --from=workspace /repo ./
RUN npm ci --omit=dev --workspace "${SERVICE}" --ignore-scripts && npm cache clean --force
COPY --from=build /repo/common/dist common/dist
COPY --from=build /repo/common/migrations common/migrations
COPY --from=build /repo/${SERVICE}/dist ${SERVICE}/dist
COPY --from=build /repo/${SERVICE}/migrations ${SERVICE}/migrations
# The uid the Kubernetes manifests run as (runAsUser 10001); owns nothing it could rewrite.
RUN groupadd --system --gid 10001 "${SERVICE}" && useradd --system --uid 10001 --gid "${SERVICE}" --no-create-home "${SERVICE}"
USER 10001:10001
WORKDIR /app/${SERVICE}
EXPOSE ${PORT}
CMD ["node", "dist/index.js"]
