# One image recipe for every service: docker build --build-arg SERVICE=ingest .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs ./libs
COPY services ./services
COPY tools ./tools
COPY tests/package.json ./tests/package.json
COPY nx.json tsconfig.base.json ./
RUN npm ci --no-audit --no-fund
ARG SERVICE
RUN npx nx run ${SERVICE}:build --output-style=static && npm prune --omit=dev

FROM node:20-bookworm-slim
ARG SERVICE
ENV NODE_ENV=production SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build /app /app
USER node
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]
