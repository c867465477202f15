#!/bin/bash
# Mail benchmark: slotd against Dovecot 2.3 (Debian) on the same machine,
# both on loopback ports with fsync on every delivery.  LMTP delivery rate
# and latency, POP3 sessions, IMAP operations with 1 and many clients, and
# memory per idle connection.  Each row runs on slotd, then on Dovecot, so
# background load hits both alike.  Prints a table; asserts nothing about
# speed.  docs/benchmarks.md explains every row and knob.
#
# Knobs (environment): BENCH_MAIL_SECONDS (LMTP and POP3 runs, 3),
# BENCH_IMAP_SECONDS (each IMAP run, 2), BENCH_IMAP_MSGS (INBOX size,
# 10000), BENCH_IMAP_CLIENTS (50), BENCH_IMAP_IDLE (idle IMAP connections,
# 1000), BENCH_POP3_IDLE (idle POP3 connections, 20),
# BENCH_DOVECOT_PWSCHEME (ARGON2ID), BENCH_IMAP_ONLY (0; 1 runs only the
# IMAP LOGIN and mailbox rows: no memory, LMTP, POP3), BENCH_MEM_ONLY (0; 1
# runs only the idle IMAP memory row).
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
LOAD=$O/tests/mailload
SLOTD=$O/bin/slotd
SLOTCTL=$O/bin/slotctl
SECS=${BENCH_MAIL_SECONDS:-3}
IMAP_SECS=${BENCH_IMAP_SECONDS:-2}
IMAP_MSGS=${BENCH_IMAP_MSGS:-10000}
IMAP_CLIENTS=${BENCH_IMAP_CLIENTS:-50}
IMAP_IDLE=${BENCH_IMAP_IDLE:-1000}
MEM_ONLY=${BENCH_MEM_ONLY:-0}
IMAP_ONLY=${BENCH_IMAP_ONLY:-0}
POP3_IDLE=${BENCH_POP3_IDLE:-20}
PWSCHEME=${BENCH_DOVECOT_PWSCHEME:-ARGON2ID}
LMTP_USERS=16
# The idle IMAP row measures memory, not password hashing: its users get
# cheap hashes of one cost class on both sides (a few ms each), so 1000
# logins take seconds, not minutes.  Every other login keeps full cost.
IDLE_USERS=20
IDLE_SCRYPT_COST=10		# slotd: scrypt N=2^10, r=8 (1 MiB, ~3 ms)
IDLE_DOVECOT_SCHEME=SHA512-CRYPT	# Dovecot: 5000 rounds (~4 ms)
PW=bench-Pw-7
GRACE=300	# longest wait for in-flight operations or for logins

log() { echo "b-mail: $*" >&2; }
die() { log "$*"; exit 1; }

for f in "$LOAD" "$SLOTD" "$SLOTCTL"; do
	[ -x "$f" ] || die "missing $f (make $f)"
done
command -v dovecot >/dev/null && command -v doveadm >/dev/null ||
	die "Dovecot is not installed (scripts/deps.sh --bench)"
# A system-wide Dovecot would share the CPU: we do not stop it, we say so.
if pgrep -x dovecot >/dev/null; then
	log "warning: a Dovecot is already running (pids $(pgrep -x dovecot |
		tr '\n' ' ')); figures will be disturbed"
fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 4096 ] ||
	log "warning: only $(ulimit -n) descriptors"

T=$(mktemp -d "${TMPDIR:-/tmp}/bench-mail.XXXXXX")
chmod 755 "$T"		# Dovecot's mail processes run as nobody
SLOTD_PID=
DOVECOT_CONF=$T/dovecot/dovecot.conf
LOADER_PID=

cleanup() {
	[ -z "$LOADER_PID" ] || kill "$LOADER_PID" 2>/dev/null || true
	if [ -n "$SLOTD_PID" ]; then
		kill "$SLOTD_PID" 2>/dev/null || true
		wait "$SLOTD_PID" 2>/dev/null || true
	fi
	if [ -f "$T/dovecot/run/master.pid" ]; then
		local pid
		pid=$(cat "$T/dovecot/run/master.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_greeting PORT SECONDS: poll until the port greets, within a deadline.
wait_greeting() {
	local port=$1 deadline=$((SECONDS + $2)) line
	while [ "$SECONDS" -lt "$deadline" ]; do
		line=$({ exec 9<>"/dev/tcp/127.0.0.1/$port" &&
			read -r -t 5 line <&9 && echo "$line"; } 2>/dev/null) ||
			true
		case $line in
		"220 "* | "+OK"* | "* OK"*) return 0 ;;
		esac
		sleep 0.1
	done
	return 1
}

# --- slotd ---------------------------------------------------------------
declare -A port
for p in s_lmtp s_pop3 s_imap d_lmtp d_pop3 d_imap; do
	port[$p]=$(free_port)
done

users="big $(seq -f 'lmtp%g' 0 $((LMTP_USERS - 1)))"
users="$users $(seq -f 'u%g' 0 $((POP3_IDLE - 1)))"
log "creating the slot and $(wc -w <<<"$users") users"
"$SLOTCTL" create "$T/slot" >/dev/null
for u in $users; do
	echo "$PW" | "$SLOTCTL" adduser "$T/slot" "$u" >/dev/null
done
idle_users=$(seq -f 'idle%g' 0 $((IDLE_USERS - 1)))
for u in $idle_users; do
	echo "$PW" | "$SLOTCTL" adduser --scrypt-cost "$IDLE_SCRYPT_COST" \
		"$T/slot" "$u" >/dev/null
done

# write_slot_conf imap|no-imap: the listeners and the limits, once.
write_slot_conf() {
	cp "$T/slot/slot.conf.orig" "$T/slot/slot.conf"
	{
		echo "lmtp = 127.0.0.1:${port[s_lmtp]}"
		echo "pop3 = 127.0.0.1:${port[s_pop3]}"
		[ "$1" = no-imap ] || echo "imap = 127.0.0.1:${port[s_imap]}"
		echo "max_conn_per_ip = 1000000"
		echo "max_connections = 1000000"
	} >> "$T/slot/slot.conf"
}

start_slotd() {
	"$SLOTD" -f "$T/slot" 2>> "$T/slotd.log" &
	SLOTD_PID=$!
	wait_greeting "${port[s_lmtp]}" 30 && wait_greeting "${port[s_pop3]}" 5
}

stop_slotd() {
	kill "$SLOTD_PID" 2>/dev/null || true
	wait "$SLOTD_PID" 2>/dev/null || true
	SLOTD_PID=
}

cp "$T/slot/slot.conf" "$T/slot/slot.conf.orig"
write_slot_conf imap
s_imap=yes
if ! start_slotd || ! wait_greeting "${port[s_imap]}" 5; then
	log "slotd does not serve IMAP yet: IMAP rows are n/a for slotd"
	stop_slotd
	s_imap=no
	write_slot_conf no-imap
	start_slotd || die "slotd does not start: $(tail -5 "$T/slotd.log")"
fi

# --- Dovecot ---------------------------------------------------------------
D=$T/dovecot
mkdir -p "$D/run" "$D/state" "$D/mail"
chown nobody:nogroup "$D/mail"
hash=$(doveadm pw -s "$PWSCHEME" -p "$PW") ||
	die "doveadm pw -s $PWSCHEME failed"
idle_hash=$(doveadm pw -s "$IDLE_DOVECOT_SCHEME" -p "$PW") ||
	die "doveadm pw -s $IDLE_DOVECOT_SCHEME failed"
{
	for u in $users; do
		echo "$u:$hash:65534:65534::$D/mail/$u::"
	done
	for u in $idle_users; do
		echo "$u:$idle_hash:65534:65534::$D/mail/$u::"
	done
} > "$D/users"
cat > "$DOVECOT_CONF" <<EOF
# Written by tests/bench/b-mail.sh: a private instance on loopback only.
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
instance_name = bench-mail-$$
protocols = lmtp pop3 imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
mail_location = maildir:~/Maildir
# the same durability as slotd: fsync every delivery and change
mail_fsync = always
mail_max_userip_connections = 100000
default_process_limit = 5000
default_client_limit = 50000
passdb {
  driver = passwd-file
  args = $D/users
}
userdb {
  driver = passwd-file
  args = $D/users
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${port[d_lmtp]}
  }
  unix_listener lmtp {
    mode = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${port[d_pop3]}
  }
  inet_listener pop3s {
    port = 0
  }
}
service imap-login {
  inet_listener imap {
    port = ${port[d_imap]}
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
start_dovecot() {
	local p
	dovecot -c "$DOVECOT_CONF" 2>> "$D/start.log" ||
		die "Dovecot does not start: $(cat "$D/start.log")"
	for p in d_lmtp d_pop3 d_imap; do
		wait_greeting "${port[$p]}" 30 || die "Dovecot does not" \
			"answer on ${port[$p]}: $(tail -5 "$D/dovecot.log")"
	done
}

stop_dovecot() {
	local pid
	pid=$(cat "$D/run/master.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 300); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	die "Dovecot (pid $pid) does not stop"
}

start_dovecot
dovecot_version=$(dovecot --version | cut -d' ' -f1)

# --- measuring -------------------------------------------------------------
# tree_pids PID: PID and all its descendants, from one process list (Dovecot
# has a process per idle connection: a pgrep per process would take minutes).
tree_pids() {
	ps -e -o pid= -o ppid= | awk -v root="$1" '
		{ kids[$2] = kids[$2] " " $1 }
		END {
			q[n = 1] = root
			for (i = 1; i <= n; i++) {
				print q[i]
				m = split(kids[q[i]], k, " ")
				for (j = 1; j <= m; j++)
					q[++n] = k[j]
			}
		}'
}

# mem_kb SERVER FIELD: FIELD (Rss or Pss) summed over the server's processes
# (one that exits meanwhile counts 0).
mem_kb() {
	local root
	case $1 in
	slotd) root=$SLOTD_PID ;;
	dovecot) root=$(cat "$D/run/master.pid") ;;
	esac
	tree_pids "$root" | sed 's|.*|/proc/&/smaps_rollup|' |
		xargs cat 2>/dev/null |
		awk -v f="$2:" '$1 == f { s += $2 } END { print s + 0 }'
}

# field LINE KEY: the value of KEY=... in a mailload report line.
field() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }

# load SERVER PROTO ARGS...: run mailload, print its report line(s).
load() {
	local server=$1 proto=$2 p
	shift 2
	p=${port[${server:0:1}_$proto]}
	log "$server: mailload -p $p $*"
	"$LOAD" -p "$p" -g "$GRACE" "$@" 2>> "$T/load-$server.err" || true
	tail -3 "$T/load-$server.err" >&2 2>/dev/null || true
	: > "$T/load-$server.err"
}

# idle_mem SERVER PROTO MODE N USER_ARGS...: memory per idle connection,
# "rss_kb pss_kb errors" (KiB per connection).
idle_mem() {
	local server=$1 proto=$2 mode=$3 n=$4 rss0 pss0 rss1 pss1 out
	local deadline limit
	shift 4
	log "$server: memory of $n idle $proto connections"
	# a first pair of connections pays one-time costs (code, arenas)
	"$LOAD" -m "$mode" -p "${port[${server:0:1}_$proto]}" -c 2 -t 0.2 \
		-g "$GRACE" -w "$PW" "$@" >/dev/null 2>> "$T/load-$server.err" ||
		log "$server: the warm-up connections failed"
	rss0=$(mem_kb "$server" Rss)
	pss0=$(mem_kb "$server" Pss)
	out=$T/idle.out
	: > "$out"
	# every login costs a password hash: allow a second per connection
	limit=$((n > GRACE ? n : GRACE))
	"$LOAD" -m "$mode" -p "${port[${server:0:1}_$proto]}" -c "$n" \
		-t "$limit" -g "$limit" -w "$PW" "$@" > "$out" \
		2>> "$T/load-$server.err" &
	LOADER_PID=$!
	deadline=$((SECONDS + limit + 10))
	while ! grep -q '^ready\|^mode=' "$out" && [ "$SECONDS" -lt "$deadline" ]; do
		sleep 0.2
	done
	if grep -q '^ready' "$out"; then
		rss1=$(mem_kb "$server" Rss)
		pss1=$(mem_kb "$server" Pss)
	fi
	kill "$LOADER_PID" 2>/dev/null || true
	wait "$LOADER_PID" 2>/dev/null || true
	LOADER_PID=
	tail -3 "$T/load-$server.err" >&2 2>/dev/null || true
	: > "$T/load-$server.err"
	if [ -z "${rss1:-}" ]; then
		echo "- - $n"
		return
	fi
	awk -v r="$((rss1 - rss0))" -v p="$((pss1 - pss0))" -v n="$n" \
		-v e="$(field "$(grep '^mode=' "$out")" errors)" \
		'BEGIN { printf "%.1f %.1f %s\n", r / n, p / n, e }'
}

# --- the table ---------------------------------------------------------------
fmt_row() { printf '%-40s %-21s %-21s %s\n' "$@"; }

# cell LINE: "rate (p50/p99 ms)", flagged when the run had errors.
cell() {
	local line=$1 e
	[ -n "$line" ] || { echo "failed"; return; }
	e=$(field "$line" errors)
	printf '%s (%s/%s)%s' "$(field "$line" rate)" "$(field "$line" p50_ms)" \
		"$(field "$line" p99_ms)" "$([ "$e" = 0 ] || echo " ${e}err")"
}

# ratio A B: A/B with two decimals, or "-" when either is missing or zero.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }'
}

# rate_row NAME SLOTD_LINE DOVECOT_LINE
rate_row() {
	fmt_row "$1" "$(cell "$2")" "$(cell "$3")" \
		"$(ratio "$(field "$2" rate)" "$(field "$3" rate)")"
}

rows=()
add() { rows+=("$(rate_row "$@")"); }

print_table() {
	echo "Mail: slotd vs Dovecot $dovecot_version, loopback, fsync on" \
		"both, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "Rates: operations/s (p50/p99 latency in ms); ratio =" \
		"slotd/dovecot, bigger is better for slotd."
	echo "Memory: KiB per connection; ratio d/s = dovecot/slotd, bigger" \
		"is better for slotd."
	fmt_row row slotd dovecot ratio
	printf '%s\n' "${rows[@]}"
}

# mem_rows NAME "S_RSS S_PSS S_ERR" "D_RSS D_PSS D_ERR": an RSS and a PSS row.
mem_cell() { echo "$1$([ "${2:-0}" = 0 ] || echo " ${2}err")"; }
mem_rows() {
	local s_rss s_pss s_err d_rss d_pss d_err
	read -r s_rss s_pss s_err <<<"$2"
	read -r d_rss d_pss d_err <<<"$3"
	rows+=("$(fmt_row "$1 RSS KiB" "$(mem_cell "$s_rss" "$s_err")" \
		"$(mem_cell "$d_rss" "$d_err")" "$(ratio "$d_rss" "$s_rss") d/s")")
	rows+=("$(fmt_row "$1 PSS KiB" "$s_pss" "$d_pss" \
		"$(ratio "$d_pss" "$s_pss") d/s")")
}

# Memory first, on fresh servers, so that no heap grown by the busy rows
# hides what a connection costs; each protocol on a fresh start.
declare -A imem pmem
if [ "$IMAP_ONLY" = 0 ]; then
	imem[slotd]="n/a n/a 0"
	[ "$s_imap" = no ] || imem[slotd]=$(idle_mem slotd imap imap-idle \
		"$IMAP_IDLE" -u idle -U "$IDLE_USERS")
	imem[dovecot]=$(idle_mem dovecot imap imap-idle "$IMAP_IDLE" -u idle \
		-U "$IDLE_USERS")
	if [ "$MEM_ONLY" = 1 ]; then
		mem_rows "mem/idle IMAP conn ($IMAP_IDLE)" "${imem[slotd]}" \
			"${imem[dovecot]}"
		print_table
		exit 0
	fi
	log "restarting both servers"
	stop_slotd
	start_slotd || die "slotd does not restart: $(tail -5 "$T/slotd.log")"
	stop_dovecot
	start_dovecot
	pmem[slotd]=$(idle_mem slotd pop3 pop3-idle "$POP3_IDLE" -u u \
		-U "$POP3_IDLE")
	pmem[dovecot]=$(idle_mem dovecot pop3 pop3-idle "$POP3_IDLE" -u u \
		-U "$POP3_IDLE")

	# LMTP: 4 KiB and 64 KiB, 1 and 16 connections, spread over 16 mailboxes.
	for size in 4096 65536; do
		for c in 1 16; do
			s=$(load slotd lmtp -m lmtp -c "$c" -t "$SECS" -s "$size" \
				-u lmtp -U "$LMTP_USERS")
			d=$(load dovecot lmtp -m lmtp -c "$c" -t "$SECS" -s "$size" \
				-u lmtp -U "$LMTP_USERS")
			add "LMTP $((size / 1024)) KiB, $c conn (msg/s)" "$s" "$d"
		done
	done

	# POP3: every user gets 5 messages of 4 KiB, then sessions as user c.
	for srv in slotd dovecot; do
		load "$srv" lmtp -m lmtp -c 4 -n $((POP3_IDLE * 5)) -t "$GRACE" \
			-u u -U "$POP3_IDLE" >/dev/null
	done
	pc=$((POP3_IDLE < 16 ? POP3_IDLE : 16))
	s=$(load slotd pop3 -m pop3 -c "$pc" -t "$SECS" -u u \
		-U "$POP3_IDLE" -w "$PW")
	d=$(load dovecot pop3 -m pop3 -c "$pc" -t "$SECS" -u u \
		-U "$POP3_IDLE" -w "$PW")
	add "POP3 sessions, $pc conn (/s)" "$s" "$d"

	mem_rows "mem/idle POP3 conn ($POP3_IDLE)" "${pmem[slotd]}" \
		"${pmem[dovecot]}"
fi

# IMAP: one INBOX of IMAP_MSGS messages (2 KiB), seeded through LMTP.
ops="imap-select,imap-fetch-flags,imap-fetch-body,imap-store,imap-search"
names=(SELECT "FETCH 1:* FLAGS" "FETCH 10 bodies" STORE "SEARCH SUBJECT")
declare -A seed imap
for srv in slotd dovecot; do
	[ "$srv" = dovecot ] || [ "$s_imap" = yes ] || continue
	seed[$srv]=$(load "$srv" lmtp -m lmtp -c 16 -n "$IMAP_MSGS" \
		-t "$GRACE" -s 2048 -u big)
done
add "LMTP seed ${IMAP_MSGS}x2 KiB, 16 conn (msg/s)" \
	"${seed[slotd]:-}" "${seed[dovecot]}"
# Untimed: three of each operation, so both servers have built their
# indexes and caches for the new messages before the timed runs.
for srv in slotd dovecot; do
	[ "$srv" = dovecot ] || [ "$s_imap" = yes ] || continue
	load "$srv" imap -m "$ops" -c 1 -n 3 -u big -w "$PW" \
		-M "$IMAP_MSGS" >/dev/null
done
for c in 1 "$IMAP_CLIENTS"; do
	for srv in slotd dovecot; do
		if [ "$srv" = slotd ] && [ "$s_imap" = no ]; then
			imap[$srv.login]=
			imap[$srv.ops]=
			continue
		fi
		imap[$srv.login]=$(load "$srv" imap -m imap-login -c "$c" \
			-t "$IMAP_SECS" -u u -U "$POP3_IDLE" -w "$PW")
		imap[$srv.ops]=$(load "$srv" imap -m "$ops" -c "$c" \
			-t "$IMAP_SECS" -u big -w "$PW" -M "$IMAP_MSGS")
	done
	imap_row() {
		if [ "$s_imap" = no ]; then
			rows+=("$(fmt_row "$1" n/a "$(cell "$3")" -)")
		else
			add "$1" "$2" "$3"
		fi
	}
	imap_row "IMAP LOGIN+LOGOUT, $c client (/s)" "${imap[slotd.login]}" \
		"${imap[dovecot.login]}"
	for i in 0 1 2 3 4; do
		imap_row "IMAP ${names[$i]}, $c client (/s)" \
			"$(sed -n "$((i + 1))p" <<<"${imap[slotd.ops]}")" \
			"$(sed -n "$((i + 1))p" <<<"${imap[dovecot.ops]}")"
	done
done

[ "$IMAP_ONLY" = 1 ] ||
	mem_rows "mem/idle IMAP conn ($IMAP_IDLE)" "${imem[slotd]}" \
		"${imem[dovecot]}"

print_table
