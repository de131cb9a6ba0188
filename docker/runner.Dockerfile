# An `evals worker`: Node 20 with every language's test tools, taking tasks from the queue.
# Built from the repository root: docker build -f docker/runner.Dockerfile .
# Written and checked by a test for what can be checked without an engine; never built in CI here.
FROM node:20-bookworm

# The graders' tools (what `evals worker` looks for on PATH to choose its languages), git for the
# workspace baseline, bubblewrap for the `bwrap` sandbox. Debian's Go and Rust are older than
# upstream's; exercises that need newer ones should pin an image with them.
RUN apt-get update \
	&& apt-get install -y --no-install-recommends \
		python3 python3-pytest \
		golang-go \
		rustc cargo \
		openjdk-17-jdk-headless maven \
		cmake g++ \
		git bubblewrap ca-certificates \
	&& rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages ./packages
COPY exercises ./exercises
# postinstall builds every package (tsc -b and the dashboard).
RUN npm ci && npm cache clean --force

# The suite is at the same path in every container (/app/exercises): a run names its suite by
# path, and the workers load it from their own disk.
ENV EVALS_HOME=/var/lib/agent-evals
VOLUME /var/lib/agent-evals
# SIGTERM (docker stop) lets the running tasks finish; give it the time a task may take.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "packages/evals/bin/evals.js"]
CMD ["worker", "--concurrency", "4"]
