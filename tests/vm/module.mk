# The VM harness's host-side helper (not a test itself).
TEST_PROGS += vmexec
vmexec_SRCS := tests/vm/lib/vmexec.c
vmexec_LDLIBS := -lcrypto

# Guest-side writer and verifier of acknowledged data (crash tests).
TEST_PROGS += blkcheck
blkcheck_SRCS := tests/vm/tools/blkcheck.c
