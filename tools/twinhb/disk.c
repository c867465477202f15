// SPDX-License-Identifier: GPL-2.0
/* Disk state from twinadm's JSON status; see disk.h. */
#include <string.h>

#include "disk.h"

int disk_state_parse(const char *json, char *out, size_t len)
{
	static const char *const keys[] = {
		"\"disk-state\"", "\"disk\"", "\"disk_state\"",
	};
	const char *best = NULL, *p, *end;
	unsigned int k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		p = strstr(json, keys[k]);
		if (p && (!best || p < best))
			best = p + strlen(keys[k]);
	}
	if (!best)
		return -1;
	p = best + strspn(best, " \t\r\n");
	if (*p++ != ':')
		return -1;
	p += strspn(p, " \t\r\n");
	if (*p++ != '"')
		return -1;
	end = strchr(p, '"');
	if (!end || (size_t)(end - p) >= len)
		return -1;
	memcpy(out, p, end - p);
	out[end - p] = '\0';
	return 0;
}
