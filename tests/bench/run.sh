#!/bin/bash
# make bench: run every benchmark tests/bench/b-*.sh and print its table.
# Benchmarks print figures; they never pass or fail on a speed target.
# BENCH='pattern' keeps only the matching ones.
set -u
cd "$(dirname "$0")/../.."
export O=${O:-build}
scripts/deps.sh --bench >/dev/null || exit 1
out=$O/bench
mkdir -p "$out"
rc=0
for b in tests/bench/b-*.sh; do
	name=$(basename "$b" .sh)
	[ -z "${BENCH:-}" ] || echo "$name" | grep -Eq "$BENCH" || continue
	echo "=== $name ==="
	if ! "$b" 2> "$out/$name.log" | tee "$out/$name.txt"; then
		echo "$name: failed, see $out/$name.log"
		rc=1
	fi
	echo
done
exit $rc
