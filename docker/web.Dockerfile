# `evals serve`: the REST API, the event stream and the dashboard.
# Built from the repository root: docker build -f docker/web.Dockerfile .
# Written and checked by a test for what can be checked without an engine; never built in CI here.
FROM node:20-bookworm-slim

WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages ./packages
COPY exercises ./exercises
# postinstall builds every package, the dashboard's SPA included.
RUN npm ci && npm cache clean --force

ENV EVALS_HOME=/var/lib/agent-evals
EXPOSE 3446
# Listens on every interface inside the container; compose publishes the port.
ENTRYPOINT ["node", "packages/evals/bin/evals.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "3446"]
