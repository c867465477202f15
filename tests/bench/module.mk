# The load generator of the mail benchmarks (tests/bench/b-mail.sh).
TEST_PROGS += mailload
mailload_SRCS := tests/bench/mailload.c
mailload_LDLIBS :=
