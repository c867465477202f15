/* SPDX-License-Identifier: GPL-2.0 */
/* The local disk state in the output of `twinadm status --json RES`. */
#ifndef TWINHB_DISK_H
#define TWINHB_DISK_H

#include <stddef.h>

/*
 * Copy the first string value of a "disk-state" key (or "disk",
 * "disk_state") in @json to @out. twinadm prints the local state before
 * the peer's, and "peer-disk" style keys never match. Returns 0, or -1
 * when there is none or it does not fit.
 */
int disk_state_parse(const char *json, char *out, size_t len);

#endif
