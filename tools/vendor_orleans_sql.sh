#!/usr/bin/env bash
# Vendors the PostgreSQL scripts of Orleans's ADO.NET providers (MIT), which the NuGet packages do not carry: the query
# table, cluster membership and grain storage. MedExplain.Cluster runs them once on a new cluster database.
# Usage: tools/vendor_orleans_sql.sh ORLEANS_CLONE COMMIT   (a clone of https://github.com/dotnet/orleans)
set -euo pipefail
clone=$(cd "$1" && pwd)
commit=$2
cd "$(dirname "$0")/.."
target=src/MedExplain.Cluster/Sql
mkdir -p "$target"
show() { git -C "$clone" show "$commit:$1"; }
show src/AdoNet/Shared/PostgreSQL-Main.sql > "$target/PostgreSQL-Main.sql"
show src/AdoNet/Orleans.Clustering.AdoNet/PostgreSQL-Clustering.sql > "$target/PostgreSQL-Clustering.sql"
show src/AdoNet/Orleans.Persistence.AdoNet/PostgreSQL-Persistence.sql > "$target/PostgreSQL-Persistence.sql"
{
  echo "PostgreSQL scripts of Microsoft Orleans's ADO.NET providers (https://github.com/dotnet/orleans), commit $commit."
  echo "The Microsoft.Orleans.*.AdoNet packages (10.4.2) read and write these tables but do not create them."
  echo
  (cd "$target" && sha256sum PostgreSQL-*.sql)
  echo
  show LICENSE
} > "$target/NOTICE.txt"
