#!/usr/bin/env bash
# Creates the secrets docker-compose.yml reads (once; existing files are kept): a random PostgreSQL
# password as deploy/docker/secrets/postgres_password, and the same in pgpass format for the
# coordinator and the migrations step. The directory is readable by its owner only.
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets"
mkdir -p "$dir"
chmod 700 "$dir"
if [[ ! -s "$dir/postgres_password" ]]; then
    # 32 random bytes, URL-safe base64 without padding: no character that pgpass would need escaped.
    head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$dir/postgres_password"
fi
password="$(cat "$dir/postgres_password")"
printf 'postgres:5432:pairdb:pairdb:%s\n' "$password" >"$dir/pgpass"
# The containers run as other users than this one: the files are readable, the directory is not.
chmod 644 "$dir/postgres_password" "$dir/pgpass"
echo "secrets in $dir"
