#!/usr/bin/env bash
# Starts the services agent-evals can use on 127.0.0.1: PostgreSQL and Redis (installed from
# Debian's packages first if missing) and Jaeger (built once from the Go module proxy into a cache
# outside the repository, reused by every later run on the machine). Idempotent: running it again
# only checks they answer.
#
#   eval "$(bash scripts/services.sh)"     # exports DATABASE_URL, REDIS_URL and JAEGER_URL
#
# EVALS_SKIP_JAEGER=1 leaves Jaeger out (its first build takes ~8 minutes on 2 cores).
# Progress goes to stderr; stdout carries only the export lines.
set -euo pipefail

PG_PORT="${EVALS_PG_PORT:-5432}"
PG_USER="${EVALS_PG_USER:-evals}"
PG_PASSWORD="${EVALS_PG_PASSWORD:-evals}"
PG_DB="${EVALS_PG_DB:-agent_evals_test}"
REDIS_PORT="${EVALS_REDIS_PORT:-6379}"
JAEGER_VERSION=v1.75.0
CACHE_DIR="${EVALS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-evals}"
JAEGER_BIN="$CACHE_DIR/jaeger/$JAEGER_VERSION/jaeger"

say() { printf '[services] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { as_root su postgres -s /bin/sh -c "$1"; }

install_missing() {
	local packages=()
	command -v pg_ctlcluster >/dev/null 2>&1 || packages+=(postgresql)
	command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
	[ ${#packages[@]} -eq 0 ] && return 0
	say "installing ${packages[*]} (apt-get)"
	as_root apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${packages[@]}" >&2
}

start_postgres() {
	local version cluster
	version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
	cluster=$(pg_lsclusters --no-header 2>/dev/null | awk -v v="$version" '$1 == v { print $2; exit }')
	if [ -z "$cluster" ]; then
		say "creating PostgreSQL $version cluster 'main'"
		as_root pg_createcluster "$version" main --port "$PG_PORT" >&2
		cluster=main
	fi
	if ! pg_lsclusters --no-header | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c' | grep -q online; then
		say "starting PostgreSQL $version/$cluster"
		as_root pg_ctlcluster "$version" "$cluster" start >&2
	fi
	for _ in $(seq 1 50); do
		pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
		sleep 0.2
	done
	pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || { say "PostgreSQL does not answer on 127.0.0.1:$PG_PORT"; exit 1; }
	as_postgres "psql -q -p $PG_PORT -tc \"SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'\" | grep -q 1 \
		|| psql -q -p $PG_PORT -c \"CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'\"" >&2
	as_postgres "psql -q -p $PG_PORT -tc \"SELECT 1 FROM pg_database WHERE datname = '$PG_DB'\" | grep -q 1 \
		|| createdb -p $PG_PORT -O $PG_USER $PG_DB" >&2
}

start_redis() {
	if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
	say "starting Redis on 127.0.0.1:$REDIS_PORT"
	redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
		--logfile /tmp/agent-evals-redis.log >&2
	for _ in $(seq 1 50); do
		redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	say "Redis does not answer on 127.0.0.1:$REDIS_PORT"
	exit 1
}

# Jaeger v2 is not packaged by Debian and there is no container engine here, so it is built from
# its Go module. `go install pkg@version` refuses modules with replace directives (Jaeger has
# some), hence a scratch module that takes it as a tool dependency and builds that.
build_jaeger() {
	[ -x "$JAEGER_BIN" ] && return 0
	command -v go >/dev/null 2>&1 || { say "no Go toolchain: Jaeger cannot be built"; return 1; }
	local scratch
	scratch=$(mktemp -d)
	say "building Jaeger $JAEGER_VERSION into $JAEGER_BIN (once; about 8 minutes)"
	(
		cd "$scratch" &&
			go mod init agent-evals-jaeger >/dev/null 2>&1 &&
			go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_VERSION" >&2 &&
			mkdir -p "$(dirname "$JAEGER_BIN")" &&
			go build -o "$JAEGER_BIN.tmp" github.com/jaegertracing/jaeger/cmd/jaeger >&2 &&
			mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
	)
	local status=$?
	rm -rf "$scratch"
	return $status
}

# With no arguments Jaeger keeps traces in memory, takes OTLP on 4317 (gRPC) and 4318 (HTTP) and
# serves its UI and query API on 16686.
start_jaeger() {
	if curl -fsS -o /dev/null http://127.0.0.1:16686/api/services 2>/dev/null; then return 0; fi
	build_jaeger || return 1
	say "starting Jaeger (OTLP http://127.0.0.1:4318, UI http://127.0.0.1:16686)"
	nohup "$JAEGER_BIN" >/tmp/agent-evals-jaeger.log 2>&1 &
	for _ in $(seq 1 100); do
		curl -fsS -o /dev/null http://127.0.0.1:16686/api/services 2>/dev/null && return 0
		sleep 0.2
	done
	say "Jaeger does not answer on 127.0.0.1:16686 (log: /tmp/agent-evals-jaeger.log)"
	return 1
}

install_missing
start_postgres
start_redis
say "PostgreSQL and Redis are up"
echo "export DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
# Jaeger is optional: the trace test skips (naming this script) when it is missing.
if [ "${EVALS_SKIP_JAEGER:-}" != 1 ] && start_jaeger; then
	echo "export JAEGER_URL=http://127.0.0.1:16686"
	echo "export JAEGER_OTLP_ENDPOINT=http://127.0.0.1:4318"
fi
