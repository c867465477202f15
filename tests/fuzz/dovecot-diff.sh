#!/bin/sh
# Compare the IMAP library with Dovecot on the MIME corpus: BODYSTRUCTURE,
# BODY, ENVELOPE, BODY[section]<partial> and SEARCH, byte for byte.
#
#   tests/fuzz/dovecot-diff.sh [CORPUS_DIR]   default tests/fuzz/corpus/fuzz-mime
#
# Needs Dovecot's imap binary: dovecot-imapd installed, or DOVECOT_ROOT set
# to a directory holding the unpacked .debs, e.g.
#   apt-get download dovecot-core dovecot-imapd
#   for d in dovecot-*.deb; do dpkg-deb -x "$d" /tmp/dovecot; done
#   DOVECOT_ROOT=/tmp/dovecot tests/fuzz/dovecot-diff.sh
# Exit 0 all equal, 1 differences, 77 Dovecot unavailable.
set -eu

cd "$(dirname "$0")/../.."
O=${O:-build}
CC=${CC:-cc}
corpus=${1:-tests/fuzz/corpus/fuzz-mime}

mkdir -p "$O/fuzz"
# shellcheck disable=SC2046
"$CC" -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude \
	-Iuserspace -o "$O/fuzz/imap-mime-dump" tests/fuzz/imap-mime-dump.c \
	$(ls userspace/imap/*.c)
exec python3 tests/fuzz/dovecot-diff.py "$O/fuzz/imap-mime-dump" "$corpus"
