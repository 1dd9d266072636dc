# syntax=docker/dockerfile:1
# Build: install everything, build the API bundle and the console, then drop dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true npm_config_loglevel=error CI=true
COPY . .
RUN npm install --no-audit --no-fund \
 && npx nx run-many -t build -p api admin --output-style=static \
 && npm prune --omit=dev --no-audit --no-fund

# Runtime: the bundled API (which serves the console at /) and its production dependencies, as a non-root user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /src/package.json ./
COPY --from=build --chown=node:node /src/node_modules ./node_modules
COPY --from=build --chown=node:node /src/dist/apps/api ./dist/apps/api
COPY --from=build --chown=node:node /src/dist/apps/admin/browser ./dist/apps/admin/browser
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/v1/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Smaller young-generation semi-spaces: ~12 MB less resident at idle, no measurable cost (README, Performance).
CMD ["node", "--max-semi-space-size=8", "dist/apps/api/main.js"]
