#!/bin/bash
# Run Twinstore's tests and print one line per test and the totals.
#
#   tests/run.sh all | [unit] [integration] [asan] [vm]
#
# unit         every CUnit program $O/tests/test-* (counts its test cases)
# integration  every executable tests/integration/*  (daemons on loopback)
# vm           every tests/vm/t-*.sh                  (QEMU guests)
# asan         unit and integration again on the ASan/UBSan build
#              (build-asan, made by make check-asan or make check)
#
# A script passes with exit 0, is skipped with 77, fails otherwise.
# TESTS='pattern' keeps only the tests whose name matches (grep -E).
# Logs go to $O/test-results/; the last line is "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
export O=${O:-build}
results=$O/test-results
mkdir -p "$results"

passed=0
failed=0
skipped=0
failures=""

wanted() { [ -z "${TESTS:-}" ] || echo "$1" | grep -Eq "$TESTS"; }

# run_script KIND PATH TIMEOUT
run_script() {
	local kind=$1 t=$2 limit=$3 name log rc start

	name=$(basename "$t")
	wanted "$name" || return 0
	log=$results/$kind/$name.log
	mkdir -p "$results/$kind"
	start=$SECONDS
	timeout --kill-after=10 "$limit" "$t" > "$log" 2>&1 < /dev/null
	rc=$?
	case $rc in
	0)
		passed=$((passed + 1))
		printf 'PASS  %-12s %s (%ds)\n' "$kind" "$name" $((SECONDS - start)) ;;
	77)
		skipped=$((skipped + 1))
		printf 'SKIP  %-12s %s: %s\n' "$kind" "$name" "$(tail -n 1 "$log")" ;;
	*)
		failed=$((failed + 1))
		failures="$failures $kind/$name"
		[ $rc -eq 124 ] && echo "timed out after ${limit}s" >> "$log"
		printf 'FAIL  %-12s %s (exit %d, %ds), last lines of %s:\n' \
			"$kind" "$name" "$rc" $((SECONDS - start)) "$log"
		tail -n 25 "$log" | sed 's/^/      | /' ;;
	esac
}

run_unit() {
	local kind=${1:-unit} t name log line p f

	for t in "$O"/tests/test-*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		wanted "$name" || continue
		log=$results/$kind/$name.log
		mkdir -p "$results/$kind"
		timeout --kill-after=10 300 "$t" > "$log" 2>&1 < /dev/null
		# Show CUnit's own run summary for each program.
		sed -n '/Run Summary/,$p' "$log" | grep -v '^unit:'
		line=$(grep -E '^unit: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
		if [ -n "$line" ]; then
			p=$(echo "$line" | awk '{ print $2 }')
			f=$(echo "$line" | awk '{ print $4 }')
		else
			p=0
			f=1
			echo "$name: crashed or did not finish" >> "$log"
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$f" -ne 0 ]; then
			failures="$failures $kind/$name"
			printf 'FAIL  %-12s %s: %d failed, last lines of %s:\n' \
				"$kind" "$name" "$f" "$log"
			grep -E 'FAILED|Test: .*\.\.\.FAILED|ASSERT|ERROR|runtime error' "$log" |
				head -n 20 | sed 's/^/      | /'
			tail -n 5 "$log" | sed 's/^/      | /'
		else
			printf 'PASS  %-12s %s (%d tests)\n' "$kind" "$name" "$p"
		fi
	done
}

run_dir() {
	local kind=$1 glob=$2 limit=$3 t

	for t in $glob; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		run_script "$kind" "$t" "$limit"
	done
}

kinds="$*"
[ -z "$kinds" ] || [ "$kinds" = all ] && kinds="unit integration asan vm"
for k in $kinds; do
	case $k in
	unit) run_unit ;;
	integration) run_dir integration 'tests/integration/*' 300 ;;
	vm) run_dir vm 'tests/vm/t-*.sh' 1200 ;;
	asan)
		# Same tests, sanitized binaries; a report aborts the program.
		export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
		export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
		O=build-asan results=build-asan/test-results run_unit asan
		O=build-asan results=build-asan/test-results \
			run_dir asan 'tests/integration/*' 600
		unset ASAN_OPTIONS UBSAN_OPTIONS ;;
	*) echo "run.sh: unknown test kind '$k'" >&2; exit 2 ;;
	esac
done

echo
[ -n "$failures" ] && echo "failed:$failures"
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
