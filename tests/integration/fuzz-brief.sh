#!/bin/sh
# A short libFuzzer run of every fuzz target (the IMAP command parser and
# the MIME parser), so CI catches a crash the unit tests miss. The long
# run is `make fuzz`. The sanitizer pass of make check skips it: the
# fuzzers carry their own ASan/UBSan build.
case "${O:-build}" in
*asan*) echo "fuzzers are already sanitized"; exit 77 ;;
esac
exec "$(dirname "$0")/../fuzz/run.sh" "${FUZZ_SECONDS:-10}"
