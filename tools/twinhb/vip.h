/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtual IP of a group: added and removed with libnl-route, and
 * announced with gratuitous ARP on a raw AF_PACKET socket so neighbours
 * update their caches to this node's MAC at once.
 */
#ifndef TWINHB_VIP_H
#define TWINHB_VIP_H

#include <stddef.h>

#include "conf.h"

/* Each returns 0, or -1 with the reason in @err. */
int vip_add(const struct hb_vip *v, char *err, size_t len);
int vip_del(const struct hb_vip *v, char *err, size_t len);
int vip_announce(const struct hb_vip *v, char *err, size_t len);

#endif
