/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slotd's listeners: one socket per configured address, accepting through
 * the ring (multishot accept), enforcing the connection limits and
 * handing each connection to its protocol.
 */
#ifndef SLOTD_LISTEN_H
#define SLOTD_LISTEN_H

#include "proto/proto.h"

/* Open every listener of env->conf; on failure none stays open. */
int listen_open_all(struct proto_env *env, char *err, size_t errlen);
/* After a reload: close what went away, open what is new. */
void listen_reload(struct proto_env *env);
/* Stop accepting (SIGTERM). */
void listen_close_all(void);
/* Listeners not yet fully closed. */
unsigned int listen_count(void);

#endif
