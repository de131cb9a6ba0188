#!/usr/bin/env bash
# Starts the services agent-evals can use, PostgreSQL and Redis, on 127.0.0.1; installs them from
# Debian's packages first if missing. Idempotent: running it again only checks they answer.
#
#   eval "$(bash scripts/services.sh)"     # exports DATABASE_URL and REDIS_URL
#
# Progress goes to stderr; stdout carries only the export lines.
set -euo pipefail

PG_PORT="${EVALS_PG_PORT:-5432}"
PG_USER="${EVALS_PG_USER:-evals}"
PG_PASSWORD="${EVALS_PG_PASSWORD:-evals}"
PG_DB="${EVALS_PG_DB:-agent_evals_test}"
REDIS_PORT="${EVALS_REDIS_PORT:-6379}"

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

install_missing
start_postgres
start_redis
say "PostgreSQL and Redis are up"
echo "export DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
