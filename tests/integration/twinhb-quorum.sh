#!/bin/bash
# twinhb quorum and data state, on loopback:
#  - a node that loses both peer and witness does not promote, and a
#    primary that loses quorum stops its services (slotd gets SIGKILL:
#    the peer takes over after fence-timeout) and demotes
#  - once the witness is back, the survivor takes over
#  - a group whose twin resource is not UpToDate is never promoted, and
#    becomes eligible as soon as it is UpToDate again
set -u
. "$(dirname "$0")/twinhb/lib.sh"
hb_setup

# two nodes, witness down: 2 of 3 votes is quorum
hb_start node1
hb_start node2
hb_wait 10 "g1 on node1" hb_runs_on node2 g1 node1
hb_wait 10 "g2 on node2" hb_runs_on node1 g2 node2

# node1 dies: node2 is alone with 1 of 3 votes
: > "$T/actions.log"
hb_kill9 node1
hb_wait 8 "node2 demotes r1 after losing quorum" hb_did "node2 twinadm secondary r1"
grep -q "slot $T/mnt/g2/slotC: slotd exited, killed by signal 9" "$T/node2.log" ||
	hb_fail "slotd not killed on quorum loss"
hb_did "node2 umount $T/mnt/g2" || hb_fail "no umount on quorum loss"
hb_did "node2 twinadm fail-io r1" || hb_fail "no fail-io before releasing without quorum"
[ "$(hb_json node2 "s['quorum']")" = False ] || hb_fail "node2 claims quorum"
hb_never 5 "node2 promotes r0 without quorum" hb_did "node2 twinadm primary r0"
hb_did "node2 twinadm primary r1" && hb_fail "node2 promoted r1 again without quorum"

# r0 is Outdated on node2; the witness returns: quorum (2 of 3)
echo Outdated > "$T/node2.r0.disk"
hb_start w1
hb_wait 10 "node2 takes g2 back with quorum" hb_runs_on node2 g2 node2
hb_never 3 "node2 promotes an Outdated r0" hb_did "node2 twinadm primary r0"
hb_ctl node2 status | grep -q '^  g1  *-  *node1  *unknown unknown  *STOPPED Outdated' ||
	hb_fail "status of g1: $(hb_ctl node2 status)"

# resynced: UpToDate again, so node2 takes g1 over
echo UpToDate > "$T/node2.r0.disk"
hb_wait 10 "node2 takes g1 once r0 is UpToDate" hb_runs_on node2 g1 node2

# the witness dies too: node2, primary of both groups, stops and demotes
: > "$T/actions.log"
hb_kill9 w1
hb_wait 10 "node2 demotes r0" hb_did "node2 twinadm secondary r0"
hb_wait 10 "node2 demotes r1" hb_did "node2 twinadm secondary r1"
hb_wait 10 "nothing runs" eval '[ "$(hb_ctl node2 where | cut -d" " -f2 | sort -u)" = - ]'
hb_pass
