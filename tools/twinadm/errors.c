// SPDX-License-Identifier: GPL-2.0
/*
 * twinadm's messages: every error goes to stderr as "twinadm: ...", and
 * every errno the kernel returns becomes a sentence and an exit code.
 * The kernel's own extended-ack text wins when it sent one; the table
 * below follows the errno lists in uapi/twin.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "twinadm.h"

void twinadm_err(const char *fmt, ...)
{
	va_list ap;

	fputs("twinadm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* What the errno values of uapi/twin.h mean for each command. */
const char *twinadm_errno_text(uint8_t cmd, int err)
{
	switch (cmd) {
	case TWIN_CMD_NEW_RESOURCE:
		if (err == EEXIST)
			return "the resource name or the minor is already in use";
		if (err == ERANGE)
			return "minor too large";
		break;
	case TWIN_CMD_DEL_RESOURCE:
	case TWIN_CMD_SECONDARY:
		if (err == EBUSY)
			return "the device is in use (unmount or close it first)";
		break;
	case TWIN_CMD_ATTACH:
		if (err == EALREADY)
			return "a disk is already attached";
		if (err == EMEDIUMTYPE)
			return "no valid twin metadata on the disk (run 'twinadm create-md')";
		if (err == EFBIG)
			return "the metadata does not fit the device (re-run create-md)";
		if (err == ENOTBLK)
			return "not a block device";
		if (err == EBUSY)
			return "the resource is a diskless Primary (demote it first)";
		break;
	case TWIN_CMD_DETACH:
		if (err == EBUSY)
			return "Primary without a connected UpToDate peer: detaching would lose access to the data";
		break;
	case TWIN_CMD_CONNECT:
		if (err == EALREADY)
			return "already connected or connecting (disconnect first)";
		if (err == EADDRINUSE)
			return "the local address is already in use";
		if (err == EINVAL)
			return "invalid addresses or timeouts";
		break;
	case TWIN_CMD_VERIFY:
		if (err == EBUSY)
			return "a resync or verify is running";
		if (err == ENOTCONN)
			return "not connected to the peer";
		if (err == ENODATA)
			return "the local or the peer's data is not UpToDate";
		break;
	case TWIN_CMD_PRIMARY:
		if (err == EBUSY)
			return "peer is Primary (or --force while the peer is UpToDate)";
		if (err == ENODATA)
			return "local data is not UpToDate (--force only for the first promotion of a new pair)";
		break;
	}
	if (err == EPERM || err == EACCES)
		return "permission denied (needs root, CAP_NET_ADMIN)";
	return strerror(err);
}

int twinadm_kernel_error(const char *res, const char *verb, uint8_t cmd,
			 int err, const char *msg)
{
	const char *why;

	err = err < 0 ? -err : err;
	if (err == EOPNOTSUPP) {
		twinadm_err("%s: %s: not yet supported by the kernel module",
			    res, verb);
		return EX_UNSUPPORTED;
	}
	if (err == ENOENT && cmd != TWIN_CMD_NEW_RESOURCE &&
	    cmd != TWIN_CMD_ATTACH) {
		twinadm_err("%s: %s: resource is not up (run 'twinadm up %s')",
			    res, verb, res);
		return EX_NOT_UP;
	}
	why = msg && msg[0] ? msg : twinadm_errno_text(cmd, err);
	switch (err) {
	case EBUSY:
	case ENODATA:
	case EALREADY:
	case EEXIST:
	case EPERM:
	case EACCES:
		twinadm_err("%s: %s: refused: %s", res, verb, why);
		break;
	default:
		twinadm_err("%s: %s: failed: %s", res, verb, why);
	}
	return EX_FAILED;
}
