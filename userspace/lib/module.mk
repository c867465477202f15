# twincore: the daemons' event loop, connections (plain and TLS), buffers,
# logging and config reader.
LIBS += twincore
twincore_SRCS := userspace/lib/log.c userspace/lib/buf.c userspace/lib/ev.c \
		 userspace/lib/conn.c userspace/lib/tls.c userspace/lib/conf.c
