// SPDX-License-Identifier: GPL-2.0
/*
 * conn.c - the TCP connection to the peer: connecting and accepting,
 * the one send and the one receive helper, pings, and the connection
 * thread that retries until the peer is back.
 *
 * The node with the lower configured address connects, the other one
 * listens, so exactly one connection exists and a returning peer is
 * connected within one retry interval. The connection thread runs the
 * handshake, then becomes the receiver (proto.c) until the connection
 * breaks, cleans up, and starts over.
 */
#include "twin.h"

#include <linux/inet.h>
#include <linux/kthread.h>
#include <linux/sched/mm.h>
#include <linux/tcp.h>
#include <net/sock.h>
#include <net/tcp.h>

#define TWIN_SOCK_BUF	(2U << 20)

static void twin_sock_setup(struct socket *sock)
{
	struct sock *sk = sock->sk;

	sk->sk_allocation = GFP_NOIO;
	sk->sk_use_task_frag = false;
	tcp_sock_set_nodelay(sk);
	sock_set_keepalive(sk);
}

static long twin_ms_to_timeo(u32 ms)
{
	return max_t(long, 1L, msecs_to_jiffies(ms));
}

/* Send or receive the whole iterator; the one place we touch sockets. */
static int twin_sock_xmit(struct socket *sock, struct iov_iter *it,
			  int flags, bool send, struct twin_res *res)
{
	unsigned int noio = memalloc_noio_save();
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };
	int ret = 0;

	while (iov_iter_count(it)) {
		msg.msg_iter = *it;
		if (send) {
			ret = sock_sendmsg(sock, &msg);
		} else {
			ret = sock_recvmsg(sock, &msg, msg.msg_flags);
			if (ret == -EAGAIN && res) {
				/* idle: is the peer silent for too long? */
				if (kthread_should_stop()) {
					ret = -EINTR;
					break;
				}
				if (time_after(jiffies, res->last_recv +
					       twin_ms_to_timeo(res->nc->ping_timeo_ms))) {
					pr_warn("%s: nothing from the peer for %u ms, declaring it dead\n",
						res->name,
						jiffies_to_msecs(jiffies -
								 res->last_recv));
					ret = -ETIMEDOUT;
					break;
				}
				continue;
			}
			if (ret == 0)
				ret = -EPIPE;	/* orderly close by the peer */
			if (ret > 0 && res)
				res->last_recv = jiffies;
		}
		if (ret < 0)
			break;
		iov_iter_advance(it, ret);
		ret = 0;
	}
	memalloc_noio_restore(noio);
	return ret;
}

static void twin_hdr_fill(struct twin_pkt_hdr *h, u16 type, u32 len)
{
	h->magic = cpu_to_be32(TWIN_WIRE_MAGIC);
	h->type = cpu_to_be16(type);
	h->flags = 0;
	h->len = cpu_to_be32(len);
	h->reserved = 0;
}

/* Header plus fixed payload, on a socket the caller owns (handshake). */
int twin_sock_send(struct socket *sock, u16 type, const void *p, u32 len)
{
	struct twin_pkt_hdr h;
	struct kvec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)p, .iov_len = len },
	};
	struct iov_iter it;

	twin_hdr_fill(&h, type, len);
	iov_iter_kvec(&it, ITER_SOURCE, iov, len ? 2 : 1, sizeof(h) + len);
	return twin_sock_xmit(sock, &it, 0, true, NULL);
}

/*
 * Send one packet on the established connection: header, the fixed part
 * @p, then @bytes of block data from @bio or from @bv. A failure breaks
 * the connection (the receiver notices and cleans up).
 */
int twin_send(struct twin_res *res, u16 type, const void *p, u32 len,
	      struct bio *bio, struct bio_vec *bv, unsigned int nr, u32 bytes)
{
	struct twin_pkt_hdr h;
	struct kvec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)p, .iov_len = len },
	};
	struct bvec_iter biter;
	struct bio_vec seg;
	struct iov_iter it;
	u32 done = 0;
	int err;

	twin_hdr_fill(&h, type, len + bytes);
	mutex_lock(&res->send_mutex);
	if (!res->sock) {
		mutex_unlock(&res->send_mutex);
		return -ENOTCONN;
	}
	iov_iter_kvec(&it, ITER_SOURCE, iov, len ? 2 : 1, sizeof(h) + len);
	err = twin_sock_xmit(res->sock, &it, bytes ? MSG_MORE : 0, true,
			     NULL);
	if (!err && bio) {
		bio_for_each_segment(seg, bio, biter) {
			done += seg.bv_len;
			iov_iter_bvec(&it, ITER_SOURCE, &seg, 1, seg.bv_len);
			err = twin_sock_xmit(res->sock, &it,
					     done < bytes ? MSG_MORE : 0,
					     true, NULL);
			if (err)
				break;
		}
	} else if (!err && bv) {
		iov_iter_bvec(&it, ITER_SOURCE, bv, nr, bytes);
		err = twin_sock_xmit(res->sock, &it, 0, true, NULL);
	}
	if (err)
		kernel_sock_shutdown(res->sock, SHUT_RDWR);
	else
		res->stats.net_sent += bytes;
	mutex_unlock(&res->send_mutex);
	return err;
}

int twin_recv(struct twin_res *res, struct socket *sock, void *buf,
	      size_t len)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	struct iov_iter it;

	iov_iter_kvec(&it, ITER_DEST, &iov, 1, len);
	return twin_sock_xmit(sock, &it, MSG_WAITALL, false, res);
}

int twin_recv_bvec(struct twin_res *res, struct bio_vec *bv,
		   unsigned int nr, size_t len)
{
	struct iov_iter it;

	iov_iter_bvec(&it, ITER_DEST, bv, nr, len);
	return twin_sock_xmit(res->sock, &it, MSG_WAITALL, false, res);
}

/* Break the connection from outside the receiver; it cleans up. */
void twin_conn_lost(struct twin_res *res)
{
	mutex_lock(&res->send_mutex);
	if (res->sock)
		kernel_sock_shutdown(res->sock, SHUT_RDWR);
	mutex_unlock(&res->send_mutex);
}

static void twin_ping_work(struct work_struct *work)
{
	struct twin_res *res = container_of(to_delayed_work(work),
					    struct twin_res, ping_work);

	if (!res->established)
		return;
	twin_send(res, TWIN_P_PING, NULL, 0, NULL, NULL, 0, 0);
	queue_delayed_work(res->wq, &res->ping_work,
			   twin_ms_to_timeo(res->nc->ping_int_ms));
}

static bool twin_is_connector(struct twin_net_conf *nc)
{
	return memcmp(&nc->local, &nc->peer, nc->addrlen) < 0;
}

static bool twin_same_host(struct sockaddr_storage *a,
			   struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((struct sockaddr_in *)b)->sin_addr.s_addr;
	return ipv6_addr_equal(&((struct sockaddr_in6 *)a)->sin6_addr,
			       &((struct sockaddr_in6 *)b)->sin6_addr);
}

static struct socket *twin_try_connect(struct twin_res *res)
{
	struct twin_net_conf *nc = res->nc;
	struct sockaddr_storage src = nc->local;
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, nc->local.ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &sock);
	if (err)
		return NULL;
	twin_sock_setup(sock);
	sock->sk->sk_sndtimeo = twin_ms_to_timeo(nc->connect_int_ms);
	/* bind the local address with any port: we connect from it */
	if (src.ss_family == AF_INET)
		((struct sockaddr_in *)&src)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&src)->sin6_port = 0;
	err = kernel_bind(sock, (struct sockaddr *)&src, nc->addrlen);
	if (!err)
		err = kernel_connect(sock, (struct sockaddr *)&nc->peer,
				     nc->addrlen, 0);
	if (err) {
		sock_release(sock);
		return NULL;
	}
	return sock;
}

static int twin_listen(struct twin_res *res)
{
	struct twin_net_conf *nc = res->nc;
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, nc->local.ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &sock);
	if (err)
		return err;
	sock_set_reuseaddr(sock->sk);
	sock->sk->sk_rcvtimeo = twin_ms_to_timeo(nc->connect_int_ms);
	err = kernel_bind(sock, (struct sockaddr *)&nc->local, nc->addrlen);
	if (!err)
		err = kernel_listen(sock, 4);
	if (err) {
		sock_release(sock);
		return err;
	}
	res->listen_sock = sock;
	return 0;
}

static struct socket *twin_try_accept(struct twin_res *res)
{
	struct sockaddr_storage from;
	struct socket *sock;
	int err;

	if (!res->listen_sock) {
		err = twin_listen(res);
		if (err) {
			snprintf(res->last_error, sizeof(res->last_error),
				 "cannot listen on the local address (%d)",
				 err);
			schedule_timeout_interruptible(
				twin_ms_to_timeo(res->nc->connect_int_ms));
			return NULL;
		}
	}
	err = kernel_accept(res->listen_sock, &sock, 0);
	if (err)
		return NULL;
	if (kernel_getpeername(sock, (struct sockaddr *)&from) < 0 ||
	    !twin_same_host(&from, &res->nc->peer)) {
		pr_warn("%s: refused a connection from a stranger\n",
			res->name);
		sock_release(sock);
		return NULL;
	}
	twin_sock_setup(sock);
	return sock;
}

static void twin_listen_close(struct twin_res *res)
{
	if (res->listen_sock) {
		sock_release(res->listen_sock);
		res->listen_sock = NULL;
	}
}

static enum twin_conn_state twin_fail_state(int err)
{
	switch (err) {
	case -ETIMEDOUT:
		return TWIN_CONN_TIMEOUT;
	case -EPIPE:
	case -ECONNRESET:
		return TWIN_CONN_BROKEN_PIPE;
	case -EPROTO:
	case -EBADMSG:
		return TWIN_CONN_PROTOCOL_ERROR;
	case -ESHUTDOWN:
		return TWIN_CONN_TEAR_DOWN;
	default:
		return TWIN_CONN_NETWORK_FAILURE;
	}
}

/* After the receiver returned: forget the peer, end its requests. */
static void twin_teardown(struct twin_res *res, int err)
{
	struct socket *sock = res->sock;
	bool held;

	spin_lock_irq(&res->lock);
	res->established = false;
	held = twin_fence_on_loss(res, err);
	spin_unlock_irq(&res->lock);
	cancel_delayed_work_sync(&res->ping_work);
	kernel_sock_shutdown(sock, SHUT_RDWR);
	twin_resync_stop(res);
	twin_verify_stop(res);
	mutex_lock(&res->send_mutex);
	res->sock = NULL;
	mutex_unlock(&res->send_mutex);
	/* peer writes still on our disk: let them finish, drop answers */
	wait_event(res->state_wait, !READ_ONCE(res->ee_inflight));
	flush_work(&res->ack_work);
	/* writes about to complete here alone: a new generation first */
	twin_gen_on_loss(res, held);
	twin_fail_peer_reqs(res);
	sock_release(sock);

	pr_info("%s: connection lost (%d)\n", res->name, err);
	if (held)
		pr_warn("%s: fencing: writes suspended until resume-io, fail-io or the peer returns\n",
			res->name);
	twin_set_conn(res, twin_fail_state(err));
}

/* Sleep out the rest of one connect interval that began at @start. */
static void twin_conn_sleep(struct twin_res *res, unsigned long start)
{
	unsigned long end = start + twin_ms_to_timeo(res->nc->connect_int_ms);

	if (!kthread_should_stop() && time_before(jiffies, end))
		schedule_timeout_interruptible(end - jiffies);
}

static int twin_conn_thread(void *arg)
{
	struct twin_res *res = arg;
	unsigned long start;
	struct socket *sock;
	const char *why;
	u8 fail_state;
	int err;

	while (!kthread_should_stop()) {
		twin_set_conn(res, TWIN_CONN_CONNECTING);
		start = jiffies;
		if (res->is_connector) {
			sock = twin_try_connect(res);
			if (!sock) {
				twin_conn_sleep(res, start);
				continue;
			}
		} else {
			sock = twin_try_accept(res);
			if (!sock)
				continue;
		}
		twin_set_conn(res, TWIN_CONN_WF_REPORT_PARAMS);
		res->last_recv = jiffies;
		/* wake up often enough to notice silence within ~100 ms */
		sock->sk->sk_rcvtimeo = twin_ms_to_timeo(
			min(res->nc->ping_int_ms, 100U));
		fail_state = TWIN_CONN_PROTOCOL_ERROR;
		why = NULL;
		err = twin_handshake(res, sock, &why, &fail_state);
		if (err) {
			/* log a reason once, not at every retry */
			if (why && strcmp(why, res->last_error)) {
				pr_warn("%s: handshake failed: %s\n",
					res->name, why);
				strscpy(res->last_error, why,
					sizeof(res->last_error));
			}
			sock_release(sock);
			twin_set_conn(res, err == -EINTR ?
				      TWIN_CONN_DISCONNECTING :
				      (enum twin_conn_state)fail_state);
			twin_conn_sleep(res, start);
			continue;
		}
		twin_listen_close(res);
		res->last_error[0] = '\0';
		queue_delayed_work(res->wq, &res->ping_work, 0);
		twin_fence_reconnected(res);
		err = twin_receive_loop(res);
		twin_teardown(res, err);
	}
	twin_listen_close(res);
	return 0;
}

/* Take @nc and start connecting; the caller gave up ownership of @nc. */
int twin_connect_start(struct twin_res *res, struct twin_net_conf *nc)
{
	struct task_struct *task;

	if (res->nc) {
		kfree(nc);
		return -EALREADY;
	}
	res->nc = nc;
	res->is_connector = twin_is_connector(nc);
	INIT_DELAYED_WORK(&res->ping_work, twin_ping_work);
	task = kthread_run(twin_conn_thread, res, "twin_%s", res->name);
	if (IS_ERR(task)) {
		res->nc = NULL;
		kfree(nc);
		return PTR_ERR(task);
	}
	res->conn_task = task;
	return 0;
}

/* "disconnect": say goodbye, stop the thread, go StandAlone. */
void twin_connect_stop(struct twin_res *res)
{
	if (!res->conn_task)
		return;
	twin_set_conn(res, TWIN_CONN_DISCONNECTING);
	if (res->established)
		twin_send(res, TWIN_P_DISCONNECT, NULL, 0, NULL, NULL, 0, 0);
	twin_conn_lost(res);
	kthread_stop(res->conn_task);
	res->conn_task = NULL;
	twin_fence_end(res);
	if (twin_get_ldev(res)) {
		twin_bm_write_all(res);
		twin_put_ldev(res);
	}
	kfree(res->nc);
	res->nc = NULL;
	twin_set_conn(res, TWIN_CONN_STANDALONE);
}
