# The VM harness's host-side helper (not a test itself).
TEST_PROGS += vmexec
vmexec_SRCS := tests/vm/lib/vmexec.c
vmexec_LDLIBS := -lcrypto
