// SPDX-License-Identifier: GPL-2.0
/* Virtual IP add, remove and gratuitous ARP; see vip.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "vip.h"

/* An Ethernet/IPv4 ARP packet after the link-layer header (RFC 826). */
struct vip_arp {
	uint16_t htype;
	uint16_t ptype;
	uint8_t hlen;
	uint8_t plen;
	uint16_t oper;
	uint8_t sha[ETH_ALEN];
	uint8_t spa[4];
	uint8_t tha[ETH_ALEN];
	uint8_t tpa[4];
} __attribute__((packed));

/* Run one address change: @add or delete. */
static int vip_change(const struct hb_vip *v, int add, char *err, size_t len)
{
	struct nl_sock *sk = NULL;
	struct rtnl_addr *addr = NULL;
	struct nl_addr *local = NULL;
	unsigned int ifindex;
	int r = -1, e;

	ifindex = if_nametoindex(v->dev);
	if (!ifindex) {
		snprintf(err, len, "interface %s: %s", v->dev,
			 strerror(errno));
		return -1;
	}
	sk = nl_socket_alloc();
	addr = rtnl_addr_alloc();
	local = nl_addr_build(AF_INET, &v->addr, sizeof(v->addr));
	if (!sk || !addr || !local) {
		snprintf(err, len, "out of memory");
		goto out;
	}
	e = nl_connect(sk, NETLINK_ROUTE);
	if (e < 0) {
		snprintf(err, len, "netlink: %s", nl_geterror(e));
		goto out;
	}
	nl_addr_set_prefixlen(local, v->prefix);
	rtnl_addr_set_ifindex(addr, (int)ifindex);
	rtnl_addr_set_local(addr, local);
	rtnl_addr_set_prefixlen(addr, v->prefix);
	if (add) {
		e = rtnl_addr_add(sk, addr, 0);
		if (e == -NLE_EXIST)
			e = 0;	/* already there: the state we want */
	} else {
		e = rtnl_addr_delete(sk, addr, 0);
		if (e == -NLE_NOADDR || e == -NLE_OBJ_NOTFOUND)
			e = 0;	/* already gone */
	}
	if (e < 0) {
		snprintf(err, len, "%s on %s: %s",
			 add ? "adding address" : "removing address", v->dev,
			 nl_geterror(e));
		goto out;
	}
	r = 0;
out:
	nl_addr_put(local);
	rtnl_addr_put(addr);
	nl_socket_free(sk);
	return r;
}

int vip_add(const struct hb_vip *v, char *err, size_t len)
{
	return vip_change(v, 1, err, len);
}

int vip_del(const struct hb_vip *v, char *err, size_t len)
{
	return vip_change(v, 0, err, len);
}

static int vip_send_arp(int fd, const struct sockaddr_ll *to,
			const uint8_t *mac, const struct hb_vip *v,
			uint16_t oper)
{
	struct vip_arp a = {
		.htype = htons(ARPHRD_ETHER),
		.ptype = htons(ETH_P_IP),
		.hlen = ETH_ALEN,
		.plen = 4,
		.oper = htons(oper),
	};

	memcpy(a.sha, mac, ETH_ALEN);
	memcpy(a.spa, &v->addr, 4);
	/* a gratuitous request asks for its own address; a reply tells all */
	if (oper == ARPOP_REPLY)
		memset(a.tha, 0xff, ETH_ALEN);
	memcpy(a.tpa, &v->addr, 4);
	return sendto(fd, &a, sizeof(a), 0, (const struct sockaddr *)to,
		      sizeof(*to)) == sizeof(a) ? 0 : -1;
}

int vip_announce(const struct hb_vip *v, char *err, size_t len)
{
	struct sockaddr_ll to = { 0 };
	struct ifreq ifr = { 0 };
	uint8_t mac[ETH_ALEN];
	int fd, r = -1;

	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (fd < 0) {
		snprintf(err, len, "packet socket: %s", strerror(errno));
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", v->dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		snprintf(err, len, "%s: cannot read MAC address: %s", v->dev,
			 strerror(errno));
		goto out;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		/* no ARP on this link type (loopback, tunnels): nothing to do */
		r = 0;
		goto out;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	to.sll_family = AF_PACKET;
	to.sll_protocol = htons(ETH_P_ARP);
	to.sll_ifindex = (int)if_nametoindex(v->dev);
	to.sll_halen = ETH_ALEN;
	memset(to.sll_addr, 0xff, ETH_ALEN);
	if (vip_send_arp(fd, &to, mac, v, ARPOP_REQUEST) ||
	    vip_send_arp(fd, &to, mac, v, ARPOP_REPLY)) {
		snprintf(err, len, "sending gratuitous ARP on %s: %s", v->dev,
			 strerror(errno));
		goto out;
	}
	r = 0;
out:
	close(fd);
	return r;
}
