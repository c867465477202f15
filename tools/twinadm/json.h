/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer for twinadm's --json output.
 *
 * Calls nest like the document: json_obj_begin(j, "key") inside an object,
 * json_obj_begin(j, NULL) inside an array or at the top. Commas, quoting
 * and indentation (two spaces) are handled here; keys keep the order in
 * which they are written so the output is stable.
 */
#ifndef TWINADM_JSON_H
#define TWINADM_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX	16

struct json_out {
	FILE *f;
	bool compact;			/* one line, for event streams */
	int depth;
	bool first[JSON_DEPTH_MAX];	/* no element written yet */
};

void json_init(struct json_out *j, FILE *f, bool compact);
void json_obj_begin(struct json_out *j, const char *key);
void json_obj_end(struct json_out *j);
void json_arr_begin(struct json_out *j, const char *key);
void json_arr_end(struct json_out *j);
void json_str(struct json_out *j, const char *key, const char *val);
void json_u64(struct json_out *j, const char *key, uint64_t val);
void json_bool(struct json_out *j, const char *key, bool val);
/* A fixed-point number with DECIMALS digits after the point. */
void json_fixed(struct json_out *j, const char *key, double val,
		int decimals);
/* Ends the document with a newline. */
void json_finish(struct json_out *j);

#endif
