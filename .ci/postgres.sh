#!/usr/bin/env bash
# Starts a PostgreSQL cluster of Debian's package on port 55432 for the tests that need one (the batch ledger that
# workers on several machines share) and prints the connection string the tests read from MEDEXPLAIN_POSTGRES.
# Run again, it reuses the cluster. Usage: export MEDEXPLAIN_POSTGRES="$(bash .ci/postgres.sh)"
set -euo pipefail
port=55432
password=medexplain-tests
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
if ! command -v pg_createcluster >/dev/null; then
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $2}' | grep -qx medexplain; then
  $sudo pg_createcluster "$version" medexplain --port "$port" >/dev/null
fi
pg_lsclusters -h | awk '$2 == "medexplain" {print $4}' | grep -qx online || $sudo pg_ctlcluster "$version" medexplain start >&2
as_postgres psql -q -p "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'medexplain'" | grep -q 1 \
  || as_postgres psql -q -p "$port" -c "CREATE ROLE medexplain LOGIN SUPERUSER PASSWORD '$password'" >/dev/null
echo "Host=127.0.0.1;Port=$port;Username=medexplain;Password=$password;Database=postgres"
