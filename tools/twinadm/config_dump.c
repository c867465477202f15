// SPDX-License-Identifier: GPL-2.0
/*
 * twinadm dump: a parsed configuration printed back in the syntax
 * config_load() accepts, levels merged, so that dumping a dump gives the
 * same text (drbdadm dump). Values are printed in the unit DRBD users
 * write them in when that is exact.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"

static const char *const cfg_dump_after_sb[] = TWIN_AFTER_SB_NAMES;

/* A time in the keyword's DRBD unit when exact, else in ms. */
static void cfg_dump_time(FILE *out, const char *kw, uint32_t ms,
			  uint32_t unit_ms)
{
	if (!ms)
		return;
	if (ms % unit_ms == 0)
		fprintf(out, "\t\t%s %u;\n", kw, ms / unit_ms);
	else
		fprintf(out, "\t\t%s %ums;\n", kw, ms);
}

static void cfg_dump_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '\t')
			fputs("\\t", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

/* A rate in the largest unit that keeps it exact, as DRBD prints it. */
static void cfg_dump_rate(FILE *out, const char *kw, uint32_t kib)
{
	if (kib && kib % (1024 * 1024) == 0)
		fprintf(out, "\t\t%s %uG;\n", kw, kib / (1024 * 1024));
	else if (kib && kib % 1024 == 0)
		fprintf(out, "\t\t%s %uM;\n", kw, kib / 1024);
	else
		fprintf(out, "\t\t%s %uK;\n", kw, kib);
}

static void cfg_dump_disk_opts(FILE *out, const struct cfg_options *o)
{
	if (!o->has_resync_max && !o->has_resync_min && !o->has_al_extents)
		return;
	fputs("\tdisk {\n", out);
	if (o->has_resync_max)
		cfg_dump_rate(out, "c-max-rate", o->resync_max_kib);
	if (o->has_resync_min)
		cfg_dump_rate(out, "c-min-rate", o->resync_min_kib);
	if (o->has_al_extents)
		fprintf(out, "\t\tal-extents %u;\n", o->al_extents);
	fputs("\t}\n", out);
}

static void cfg_dump_opts(FILE *out, const struct cfg_options *o)
{
	fprintf(out, "\tprotocol %c;\n", o->protocol);
	if (o->has_secret) {
		fputs("\tshared-secret ", out);
		cfg_dump_string(out, o->shared_secret);
		fputs(";\n", out);
	}
	cfg_dump_disk_opts(out, o);
	if (!o->ping_int_ms && !o->ping_timeout_ms && !o->connect_int_ms &&
	    !o->has_fencing && !o->has_after_sb_0pri && !o->has_after_sb_1pri)
		return;
	fputs("\tnet {\n", out);
	cfg_dump_time(out, "ping-int", o->ping_int_ms, 1000);
	cfg_dump_time(out, "ping-timeout", o->ping_timeout_ms, 100);
	cfg_dump_time(out, "connect-int", o->connect_int_ms, 1000);
	if (o->has_fencing)
		fprintf(out, "\t\tfencing %s;\n",
			o->fencing == TWIN_FENCING_RESOURCE_ONLY ?
			"resource-only" : "none");
	if (o->has_after_sb_0pri)
		fprintf(out, "\t\tafter-sb-0pri %s;\n",
			cfg_dump_after_sb[o->after_sb_0pri]);
	if (o->has_after_sb_1pri)
		fprintf(out, "\t\tafter-sb-1pri %s;\n",
			cfg_dump_after_sb[o->after_sb_1pri]);
	fputs("\t}\n", out);
}

static void cfg_dump_host(FILE *out, const struct cfg_host *h)
{
	long minor = config_minor_of(h->device);

	fprintf(out, "\ton %s {\n", h->name);
	if (minor >= 0 && (unsigned long)minor == h->minor)
		fprintf(out, "\t\tdevice %s;\n", h->device);
	else
		fprintf(out, "\t\tdevice %s minor %u;\n", h->device, h->minor);
	fprintf(out, "\t\tdisk %s;\n", h->disk);
	if (h->meta_index)
		fprintf(out, "\t\tmeta-disk %s[%u];\n", h->meta_disk,
			h->meta_index);
	else if (h->meta_disk[0])
		fprintf(out, "\t\tmeta-disk %s;\n", h->meta_disk);
	fprintf(out, "\t\taddress %s%s;\n",
		h->addr.ss_family == AF_INET6 ? "ipv6 " : "", h->address);
	fputs("\t}\n", out);
}

void config_dump(const struct twin_config *cfg, const char *only_res,
		 FILE *out)
{
	const struct cfg_resource *r;
	int i;

	for (i = 0; i < cfg->nres; i++) {
		r = &cfg->res[i];
		if (only_res && strcmp(only_res, r->name))
			continue;
		fprintf(out, "# resource %s on %s:%d\n", r->name, r->file,
			r->line);
		fprintf(out, "resource %s {\n", r->name);
		cfg_dump_opts(out, &r->opts);
		cfg_dump_host(out, &r->hosts[0]);
		cfg_dump_host(out, &r->hosts[1]);
		fputs("}\n\n", out);
	}
}
