#!/usr/bin/env bash
# Vendors the NiiVue volume viewer (BSD-2-Clause) into the web server: its self-contained UMD bundle from the npm
# package, checked against the registry's integrity hash, with NiiVue's licence and the licences of the packages the
# bundle carries. The result is committed; run this again only to move to another version.
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.69.0
target=src/MedExplain.Server/wwwroot/vendor/niivue
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "@niivue/niivue@$version" >/dev/null)
expected=$(npm view "@niivue/niivue@$version" dist.integrity)
actual="sha512-$(openssl dgst -sha512 -binary "$work/niivue-niivue-$version.tgz" | base64 -w0)"
[ "$expected" = "$actual" ] || { echo "vendor_niivue: the package's hash is $actual, the registry says $expected" >&2; exit 1; }
tar -xzf "$work/niivue-niivue-$version.tgz" -C "$work"

mkdir -p "$target"
cp "$work/package/dist/niivue.umd.js" "$target/niivue.umd.js"
licence() { npm view "$1" license | tail -1 | awk '{print $NF}' | tr -d "'"; }
{
  echo "NiiVue $version (https://github.com/niivue/niivue), from the npm package @niivue/niivue@$version"
  echo "dist/niivue.umd.js, $actual"
  echo
  echo "The bundle carries these packages (the ranges NiiVue's package.json asks for); their licence texts follow."
  deps=$(node -e "const d=require('$work/package/package.json').dependencies; for (const k in d) console.log(k + '@' + d[k])")
  for dep in $deps; do
    echo "- $dep ($(licence "$dep"))"
  done
  for dep in $deps; do
    mkdir -p "$work/dep" && rm -rf "$work/dep/"* && (cd "$work/dep" && npm pack --silent "$dep" >/dev/null && tar -xzf ./*.tgz)
    echo; echo "==== $dep"; file=$(find "$work/dep/package" -maxdepth 1 -iname 'licen[cs]e*' | head -1)
    if [ -n "$file" ]; then cat "$file"; else echo "(the package ships no licence file; its package.json says $(licence "$dep"))"; fi
  done
} > "$target/NOTICE.txt"
# NiiVue's own licence (the package ships none; this is the repository's LICENSE at the release).
cat > "$target/LICENSE.txt" <<'LICENCE'
BSD 2-Clause License

Copyright (c) 2021, Niivue
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
LICENCE
echo "vendored NiiVue $version into $target"
