/* SPDX-License-Identifier: GPL-2.0 */
/*
 * On-disk layout of a slot directory: see docs/slot-layout.md.
 *
 * Bump SLOT_LAYOUT_VERSION whenever a file name, a database, a key or a
 * record format below changes, and describe the change in the document.
 * A store refuses to open a slot whose version it does not know.
 */
#ifndef TWIN_SLOT_LAYOUT_H
#define TWIN_SLOT_LAYOUT_H

#define SLOT_LAYOUT_VERSION	2
#define SLOT_LAYOUT_OLDEST	1	/* opened and upgraded in place */

/* Files and directories, relative to the slot directory. */
#define SLOT_LAYOUT_FILE	"LAYOUT"	/* "twinstore-slot 2\n" */
#define SLOT_LAYOUT_MAGIC	"twinstore-slot"
#define SLOT_CONF_FILE		"slot.conf"
#define SLOT_DB_DIR		"db"	/* Berkeley DB environment */
#define SLOT_MAIL_DIR		"mail"	/* mail/<user>/<id>/<uid> */
#define SLOT_TMP_DIR		"tmp"	/* tmp/<handle>/<n> */
/* flock()s: opens are serialised, open handles share users.lock */
#define SLOT_LOCK_GATE		"db/gate.lock"
#define SLOT_LOCK_USERS		"db/users.lock"

/* Databases inside SLOT_DB_DIR (all btree). */
#define SLOT_DB_META		"meta.db"
#define SLOT_DB_USERS		"users.db"
#define SLOT_DB_MAILBOXES	"mailboxes.db"
#define SLOT_DB_INDEX		"index.db"
#define SLOT_DB_SEEN		"seen.db"
#define SLOT_DB_SUBS		"subs.db"
/*
 * Header cache, and the index by modseq (a Berkeley DB secondary of
 * index.db); both are created (the second built) when missing, so a
 * version 1 slot gains them on open.
 */
#define SLOT_DB_CACHE		"cache.db"
#define SLOT_DB_MODSEQ		"modseq.db"

/* Record format versions (first byte of every value). */
#define SLOT_REC_USER_V		1
#define SLOT_REC_MAILBOX_V	1
#define SLOT_REC_MSG_V		1
#define SLOT_REC_SEEN_V		1
#define SLOT_REC_CACHE_V	1

/* Password hash: scrypt parameters for new hashes. */
#define SLOT_PW_SCRYPT		1	/* algorithm id in users.db */
#define SLOT_PW_SCRYPT_LOG2N	15
/* The costs a hash may record (store_set_pw_cost(), logins check). */
#define SLOT_PW_SCRYPT_LOG2N_MIN	10
#define SLOT_PW_SCRYPT_LOG2N_MAX	20
#define SLOT_PW_SCRYPT_R	8
#define SLOT_PW_SCRYPT_P	1
#define SLOT_PW_SALT_LEN	16
#define SLOT_PW_HASH_LEN	32

#endif
