#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/Package.swift) with -sanitize=fuzzer,address into .build-fuzz and runs each
# for FUZZ_SECONDS (default 60), one after the other. Seeds: Fuzz/Corpus/<target>/ (committed, read-only here);
# dictionary: Fuzz/Dictionaries/boundaries.dict (the values BoundaryValueTests sends); new corpus entries: .build-fuzz/corpus/<target>/ (gitignored, kept between runs); crashes: Fuzz/crashes/.
# Usage: Fuzz/run-fuzz.sh [target...]   (targets: http-parser multipart api-body; default all)
# Exits 1 when any target found a crash, timeout or leak.
set -uo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
SECONDS_EACH=${FUZZ_SECONDS:-60}
SCRATCH=.build-fuzz
declare -A PRODUCT=([http-parser]=FuzzHTTPParser [multipart]=FuzzMultipart [api-body]=FuzzAPIBody)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(http-parser multipart api-body)

mkdir -p "$SCRATCH"
echo "==> building fuzz targets into $SCRATCH"
if ! $SWIFT build --package-path Fuzz --scratch-path "$SCRATCH" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >"$SCRATCH/build.log" 2>&1; then
    grep -E "error:" "$SCRATCH/build.log" | head -20
    echo "build failed; full log in $SCRATCH/build.log"
    exit 2
fi
BIN=$($SWIFT build --package-path Fuzz --scratch-path "$SCRATCH" --show-bin-path)

mkdir -p Fuzz/crashes
status=0
summary=()
for target in "${TARGETS[@]}"; do
    product=${PRODUCT[$target]:-}
    [ -n "$product" ] || { echo "unknown target: $target"; exit 2; }
    corpus="$SCRATCH/corpus/$target"
    log="$SCRATCH/fuzz-$target.log"
    mkdir -p "$corpus"
    before=$(ls Fuzz/crashes | wc -l)
    echo "==> $target: ${SECONDS_EACH}s (log: $log)"
    "$BIN/$product" "$corpus" "Fuzz/Corpus/$target" \
        -dict=Fuzz/Dictionaries/boundaries.dict -max_total_time="$SECONDS_EACH" -timeout=5 -rss_limit_mb=2048 -max_len=8192 \
        -artifact_prefix="Fuzz/crashes/$target-" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    after=$(ls Fuzz/crashes | wc -l)
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*')
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*')
    corp=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' <<<"$last" | cut -d' ' -f2)
    eps=$(grep -o 'exec/s: [0-9]*' <<<"$last" | grep -o '[0-9]*')
    line="$target: ${runs:-?} runs (${eps:-?}/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, crashes $((after - before)), exit $rc"
    summary+=("$line")
    if [ $rc -ne 0 ]; then
        status=1
        grep -E "ERROR: libFuzzer|ERROR: AddressSanitizer|Fatal error|Precondition failed|SUMMARY" "$log" | head -5
        grep -E "^artifact_prefix|Test unit written" "$log" | tail -2
    fi
done
echo "==> fuzz summary"
printf '  %s\n' "${summary[@]}"
exit $status
