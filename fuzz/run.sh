#!/usr/bin/env bash
# Fuzzes a MedExplain reader with AFL++ through SharpFuzz, then copies what AFL found into the regression corpus.
# usage: fuzz/run.sh dicom|nifti|npy|npz|png|card|manifest [SECONDS]
# Needs: afl++ (Debian package afl++) and the sharpfuzz tool (dotnet tool install --global SharpFuzz.CommandLine).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh dicom|nifti|npy|npz|png|card|manifest [SECONDS]}
seconds=${2:-300}
out=fuzz/out
work=fuzz/findings/$target

rm -rf "$out"
dotnet publish fuzz/MedExplain.Fuzz -c Release -o "$out" >/dev/null
# Instrument only our code: AFL then steers by branches of the reader, not of the runtime.
command -v sharpfuzz >/dev/null || export PATH="$PATH:$HOME/.dotnet/tools"
case "$target" in
  card) assembly=MedExplain.Tensors ;;
  manifest) assembly=MedExplain.Pipelines ;;
  *) assembly=MedExplain.Imaging ;;
esac
sharpfuzz "$out/$assembly.dll" >/dev/null

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
rm -rf "$work"
mkdir -p "$(dirname "$work")"
# -V stops AFL after SECONDS of fuzzing; the outer timeout also bounds calibration, so findings are always collected.
timeout "$((seconds + 120))" afl-fuzz -i "fuzz/seeds/$target" -o "$work" -t 5000 -m none -V "$seconds" -- dotnet "$out/MedExplain.Fuzz.dll" "$target" || true

corpus=tests/TestData/fuzz/$target
mkdir -p "$corpus"
found=0
for kind in crashes hangs; do
  for file in "$work"/default/$kind/id:*; do
    [ -e "$file" ] || continue
    cp "$file" "$corpus/$kind-$(sha1sum "$file" | cut -c1-12)"
    found=$((found + 1))
  done
done
grep -E "execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs" "$work/default/fuzzer_stats" || true
echo "fuzz: $found new crash/hang input(s) copied to $corpus"
