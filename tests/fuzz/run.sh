#!/bin/sh
# Build the libFuzzer targets with clang and run each one for a while.
#
#   tests/fuzz/run.sh [SECONDS]      default 20 (or $FUZZ_SECONDS) per target
#
# Targets: tests/fuzz/fuzz-*.c, linked with every userspace/imap source and
# built with -fsanitize=fuzzer,address,undefined into $O/fuzz/ (O=build).
# Seeds come from tests/fuzz/corpus/<target>/ (never written to); inputs
# libFuzzer finds are kept in $O/fuzz/corpus/<target>/ for the next run,
# crashes in $O/fuzz/artifacts/.  Exit 0 if no target crashed, 1 if one
# did, 77 (skip) when clang or its libFuzzer runtime is missing.
set -eu

cd "$(dirname "$0")/../.."
O=${O:-build}
secs=${1:-${FUZZ_SECONDS:-20}}
out=$O/fuzz
CLANG=${CLANG:-clang}

case "$secs" in
''|*[!0-9]*) echo "run.sh: SECONDS must be a number, got '$secs'" >&2
	     exit 2 ;;
esac
if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "run.sh: $CLANG not found (apt-get install clang); skipping" >&2
	exit 77
fi

mkdir -p "$out/artifacts"
# libFuzzer ships with clang; check it links before building for real
probe=$out/probe
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$probe.c"
if ! "$CLANG" -fsanitize=fuzzer -o "$probe" "$probe.c" 2>/dev/null; then
	echo "run.sh: $CLANG cannot link libFuzzer; skipping" >&2
	exit 77
fi

CFLAGS="-g -O1 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Iinclude -Iuserspace"
srcs=$(ls userspace/imap/*.c)
failed=""

for src in tests/fuzz/fuzz-*.c; do
	t=$(basename "$src" .c)
	echo "== $t: building"
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS -o "$out/$t" "$src" $srcs
	mkdir -p "$out/corpus/$t"
	set -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$t-"
	[ -f "tests/fuzz/$t.dict" ] && set -- "$@" -dict="tests/fuzz/$t.dict"
	echo "== $t: running ${secs}s"
	if ! "$out/$t" "$@" "$out/corpus/$t" "tests/fuzz/corpus/$t" \
	     >"$out/$t.log" 2>&1; then
		failed="$failed $t"
		tail -n 40 "$out/$t.log"
		echo "== $t: FAILED (log $out/$t.log)"
	else
		grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' \
			"$out/$t.log" | tail -n 2 || true
		echo "== $t: ok"
	fi
done

if [ -n "$failed" ]; then
	echo "fuzz: crashes in:$failed"
	exit 1
fi
echo "fuzz: all targets ran ${secs}s without a crash"
