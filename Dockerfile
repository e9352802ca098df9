# Ficus: build with the dev tools, run on a slim image as a non-root user.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY legacy-stubs legacy-stubs
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    ADMIN_PORT=9090
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json gateway.yaml ./
COPY bin bin
COPY mappings mappings
COPY legacy-stubs legacy-stubs
# The flag log lives here by default; mount a volume on it to keep flags across restarts.
RUN mkdir -p /app/.ficus && chown node:node /app/.ficus
VOLUME /app/.ficus
USER node
EXPOSE 8080 9090
# Liveness from inside the container (the slim image has no curl; node is there anyway).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.ADMIN_PORT||9090)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The same start command as `npm start`: the gateway plus the demo's backends. To serve your own
# mappings, mount a folder with a gateway.yaml and set FICUS_CONFIG (see README, Container).
# SIGTERM (docker stop) drains requests in flight before exit; give it longer than shutdown.drainMs.
STOPSIGNAL SIGTERM
# V8 sizes the young generation from the machine's memory (32 MiB semi-spaces on a 24 GiB host),
# which lets a replica's memory float by ~50 MiB under load for no gain on small requests: 16 MiB
# keeps it bounded. `npm start` and `npm run bench` start Ficus with the same flag.
CMD ["node", "--max-semi-space-size=16", "bin/ficus.js", "serve", "--with-stubs"]
