#!/usr/bin/env bash
# A commit that does not compile must fail `make install` and `make test`, even on a machine
# where an older shopml.so is installed (the regress tests would otherwise run the old one).
# Builds a copy of the working tree with one deliberate compile error in the SQL glue (so the
# pure-Rust unit build still passes and only the extension build fails), sharing the target
# directory so that only shopml itself is compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
so="$("${PG_CONFIG:-pg_config}" --pkglibdir)/shopml.so"
[ -f "$so" ] || { echo "broken_build: needs an installed $so (run make install first)"; exit 1; }
before=$(sha256sum "$so")
copy=$(mktemp -d /tmp/shopml-broken.XXXXXX)
trap 'rm -rf "$copy"' EXIT
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$copy"
marker="deliberately broken build (tests/broken_build.sh)"
echo "compile_error!(\"$marker\");" >> "$copy/src/api/mod.rs"
export CARGO_TARGET_DIR="$PWD/target"
for target in install test; do
  if make -C "$copy" "$target" >"$copy.log" 2>&1; then
    echo "broken_build: FAIL: make $target succeeded on a tree that does not compile"; exit 1
  fi
  if ! grep -q "$marker" "$copy.log"; then
    echo "broken_build: FAIL: make $target failed, but not on the compile error:"; tail -20 "$copy.log"; exit 1
  fi
  echo "broken_build: make $target fails on the compile error, as it must"
done
rm -f "$copy.log"
[ "$(sha256sum "$so")" = "$before" ] || { echo "broken_build: FAIL: the installed shopml.so changed"; exit 1; }
echo "broken_build: ok (the installed shopml.so was left alone)"
