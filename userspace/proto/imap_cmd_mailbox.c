// SPDX-License-Identifier: GPL-2.0
/*
 * The mailbox list: CREATE, DELETE, RENAME, SUBSCRIBE/UNSUBSCRIBE, and
 * LIST/LSUB with the CHILDREN (RFC 3348) and SPECIAL-USE (RFC 6154)
 * attributes. The hierarchy separator is "/"; names travel in modified
 * UTF-7 and are kept in the store as UTF-8.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_utf7.h"
#include "imap/imap_write.h"
#include "proto/imap.h"

#define IMAP_PATTERN_MAX	1024	/* bytes of reference + pattern */

static const struct {
	uint32_t bit;
	const char *name;
} imap_special_uses[] = {
	{ STORE_USE_ALL, "\\All" },
	{ STORE_USE_ARCHIVE, "\\Archive" },
	{ STORE_USE_DRAFTS, "\\Drafts" },
	{ STORE_USE_FLAGGED, "\\Flagged" },
	{ STORE_USE_JUNK, "\\Junk" },
	{ STORE_USE_SENT, "\\Sent" },
	{ STORE_USE_TRASH, "\\Trash" },
};

/* CREATE's "(USE (\Sent ...))" (RFC 6154 5.2); -1 if malformed. */
static int imap_create_use(const struct imap_arg *a, uint32_t *use)
{
	const struct imap_arg *l;
	size_t i, k;

	if (a->type != IMAP_ARG_LIST || a->len != 2 ||
	    !imap_arg_is_atom(&a->v.list[0], "USE") ||
	    a->v.list[1].type != IMAP_ARG_LIST)
		return -1;
	l = &a->v.list[1];
	for (i = 0; i < l->len; i++) {
		for (k = 0; k < sizeof(imap_special_uses) /
		     sizeof(imap_special_uses[0]); k++)
			if (imap_arg_is_atom(&l->v.list[i],
					     imap_special_uses[k].name))
				break;
		if (k == sizeof(imap_special_uses) /
		    sizeof(imap_special_uses[0]))
			return -1;
		*use |= imap_special_uses[k].bit;
	}
	return 0;
}

void imap_cmd_create(struct imap_session *s, struct imap_cmd *cmd)
{
	char name[STORE_MAILBOX_MAX + 1];
	uint32_t use = 0;
	struct imap_arg a;
	const char *arg;
	char *copy;
	size_t len;
	int rc;

	arg = cmd->nargs >= 1 ? imap_arg_astring(&cmd->args[0]) : NULL;
	if (!arg || cmd->nargs > 2) {
		imap_cmd_done(s, "BAD", "CREATE needs a mailbox");
		return;
	}
	if (cmd->nargs == 2 && imap_create_use(&cmd->args[1], &use) < 0) {
		imap_cmd_done(s, "NO", "[USEATTR] Unsupported CREATE "
			      "parameters");
		return;
	}
	/* "a/b/" asks for a future parent: the same mailbox for us. */
	len = strlen(arg);
	copy = strdup(arg);
	if (!copy) {
		imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
		return;
	}
	if (len > 1 && copy[len - 1] == '/')
		copy[len - 1] = '\0';
	a = cmd->args[0];
	a.type = IMAP_ARG_STRING;
	a.v.str = copy;
	a.len = strlen(copy);
	rc = imap_mailbox_arg(s, &a, name);
	free(copy);
	if (rc < 0)
		return;
	rc = store_mailbox_create(s->env->store, s->user, name, use);
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, "CREATE");
		return;
	}
	imap_cmd_done(s, "OK", "Create completed");
}

void imap_cmd_delete(struct imap_session *s, struct imap_cmd *cmd)
{
	char name[STORE_MAILBOX_MAX + 1];
	int rc;

	if (cmd->nargs != 1) {
		imap_cmd_done(s, "BAD", "DELETE needs a mailbox");
		return;
	}
	if (imap_mailbox_arg(s, &cmd->args[0], name) < 0)
		return;
	if (!strcmp(name, "INBOX")) {
		imap_cmd_done(s, "NO", "[CANNOT] INBOX cannot be deleted");
		return;
	}
	if (s->mbox && !strcmp(s->mbox->name, name))
		imap_enter_state(s, IMAP_S_AUTH);
	rc = store_mailbox_delete(s->env->store, s->user, name);
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, "DELETE");
		return;
	}
	imap_cmd_done(s, "OK", "Delete completed");
}

void imap_cmd_rename(struct imap_session *s, struct imap_cmd *cmd)
{
	char from[STORE_MAILBOX_MAX + 1], to[STORE_MAILBOX_MAX + 1];
	int rc;

	if (cmd->nargs != 2) {
		imap_cmd_done(s, "BAD", "RENAME needs two mailboxes");
		return;
	}
	if (imap_mailbox_arg(s, &cmd->args[0], from) < 0 ||
	    imap_mailbox_arg(s, &cmd->args[1], to) < 0)
		return;
	if (s->mbox && !strcmp(s->mbox->name, from))
		imap_enter_state(s, IMAP_S_AUTH);
	rc = store_mailbox_rename(s->env->store, s->user, from, to);
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, "RENAME");
		return;
	}
	imap_cmd_done(s, "OK", "Rename completed");
}

void imap_cmd_subscribe(struct imap_session *s, struct imap_cmd *cmd)
{
	bool on = !strcasecmp(cmd->name, "SUBSCRIBE");
	char name[STORE_MAILBOX_MAX + 1];
	int rc;

	if (cmd->nargs != 1) {
		imap_cmd_done(s, "BAD", "%s needs a mailbox", cmd->name);
		return;
	}
	if (imap_mailbox_arg(s, &cmd->args[0], name) < 0)
		return;
	rc = store_subscribe(s->env->store, s->user, name, on);
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, cmd->name);
		return;
	}
	imap_cmd_done(s, "OK", "%s completed", cmd->name);
}

/* ---- LIST and LSUB ----------------------------------------------------- */

/*
 * IMAP wildcard match: "*" matches anything, "%" anything but "/".
 * Dynamic programming over the name, so no pattern makes it slow.
 */
static bool imap_list_match(const char *pat, const char *name)
{
	size_t n = strlen(name), i;
	bool cur[STORE_MAILBOX_MAX * 4 + 2], nxt[STORE_MAILBOX_MAX * 4 + 2];

	if (n > STORE_MAILBOX_MAX * 4)
		return false;
	memset(cur, 0, sizeof(bool) * (n + 1));
	cur[0] = true;
	for (; *pat; pat++) {
		memset(nxt, 0, sizeof(bool) * (n + 1));
		if (*pat == '*' || *pat == '%') {
			bool on = false;

			for (i = 0; i <= n; i++) {
				if (cur[i])
					on = true;
				nxt[i] = on;
				if (*pat == '%' && i < n && name[i] == '/')
					on = false;
			}
		} else {
			for (i = 0; i < n; i++)
				if (cur[i] && name[i] == *pat)
					nxt[i + 1] = true;
		}
		memcpy(cur, nxt, sizeof(bool) * (n + 1));
	}
	return cur[n];
}

struct imap_list_entry {
	char *name;		/* UTF-8, store form */
	char *utf7;
	uint32_t special_use;
	bool exists;
	bool subscribed;
	bool children;
};

struct imap_list {
	struct imap_list_entry *e;
	size_t n, cap;
};

static struct imap_list_entry *imap_list_find(struct imap_list *l,
					      const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->e[i].name, name))
			return &l->e[i];
	return NULL;
}

static struct imap_list_entry *imap_list_add(struct imap_list *l,
					     const char *name)
{
	struct imap_list_entry *e = imap_list_find(l, name), *ne;
	struct imap_buf b = IMAP_BUF_INIT;

	if (e)
		return e;
	if (l->n == l->cap) {
		ne = realloc(l->e, (l->cap ? l->cap * 2 : 16) * sizeof(*ne));
		if (!ne)
			return NULL;
		l->e = ne;
		l->cap = l->cap ? l->cap * 2 : 16;
	}
	if (imap_utf8_to_utf7(name, &b) < 0 || imap_buf_failed(&b)) {
		imap_buf_free(&b);
		return NULL;
	}
	e = &l->e[l->n];
	memset(e, 0, sizeof(*e));
	e->name = strdup(name);
	e->utf7 = strdup(imap_buf_str(&b));
	imap_buf_free(&b);
	if (!e->name || !e->utf7) {
		free(e->name);
		free(e->utf7);
		return NULL;
	}
	l->n++;
	return e;
}

static void imap_list_free(struct imap_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->e[i].name);
		free(l->e[i].utf7);
	}
	free(l->e);
}

/* Every mailbox, every parent level of one, and the subscriptions. */
static int imap_list_build(struct imap_session *s, struct imap_list *l)
{
	struct store_mailbox_info *boxes = NULL;
	struct store_name *subs = NULL;
	struct imap_list_entry *e;
	char parent[STORE_MAILBOX_MAX + 1], *slash;
	size_t i, n, nsubs;
	int rc;

	rc = store_mailbox_list(s->env->store, s->user, &boxes, &n);
	if (rc == STORE_OK)
		rc = store_subscription_list(s->env->store, s->user, &subs,
					     &nsubs);
	if (rc != STORE_OK) {
		free(boxes);
		return rc;
	}
	for (i = 0; i < n && rc == STORE_OK; i++) {
		e = imap_list_add(l, boxes[i].name);
		if (!e) {
			rc = STORE_EIO;
			break;
		}
		e->exists = true;
		e->special_use = boxes[i].special_use;
		strcpy(parent, boxes[i].name);
		while ((slash = strrchr(parent, '/'))) {
			*slash = '\0';
			e = imap_list_add(l, parent);
			if (!e) {
				rc = STORE_EIO;
				break;
			}
			e->children = true;
		}
	}
	for (i = 0; i < nsubs && rc == STORE_OK; i++) {
		e = imap_list_add(l, subs[i].name);
		if (!e) {
			rc = STORE_EIO;
			break;
		}
		e->subscribed = true;
		/* Parents, for RECURSIVEMATCH (listed only through it). */
		strcpy(parent, subs[i].name);
		while (rc == STORE_OK && (slash = strrchr(parent, '/'))) {
			*slash = '\0';
			if (!imap_list_add(l, parent))
				rc = STORE_EIO;
		}
	}
	free(boxes);
	free(subs);
	return rc;
}

enum imap_list_opts {
	IMAP_LIST_LSUB		= 1 << 0,
	IMAP_LIST_SUBSCRIBED	= 1 << 1,	/* selection */
	IMAP_LIST_SPECIAL	= 1 << 2,	/* selection */
	IMAP_LIST_RECURSIVE	= 1 << 3,	/* selection */
	IMAP_LIST_RET_SUBSCRIBED = 1 << 4,	/* return \Subscribed */
	IMAP_LIST_EXTENDED	= 1 << 5,	/* RFC 5258 syntax used */
};

#define IMAP_LIST_PATTERNS_MAX	16

struct imap_list_req {
	unsigned int opts;
	const char *patterns[IMAP_LIST_PATTERNS_MAX];
	size_t npatterns;
	const struct imap_arg *status;	/* RETURN (STATUS (...)) */
};

/* A subscribed mailbox strictly below e (RECURSIVEMATCH's CHILDINFO). */
static bool imap_list_subscribed_child(const struct imap_list *l,
				       const struct imap_list_entry *e)
{
	size_t i, n = strlen(e->name);

	for (i = 0; i < l->n; i++)
		if (l->e[i].subscribed && !strncmp(l->e[i].name, e->name, n) &&
		    l->e[i].name[n] == '/')
			return true;
	return false;
}

static void imap_list_reply(struct imap_session *s,
			    const struct imap_list_entry *e, unsigned int opts,
			    bool childinfo)
{
	struct imap_buf b = IMAP_BUF_INIT;
	bool sp = false;
	size_t i;

	imap_buf_addf(&b, "* %s (", opts & IMAP_LIST_LSUB ? "LSUB" : "LIST");
#define ATTR(x) do {						\
		imap_buf_adds(&b, sp ? " " x : x);		\
		sp = true;					\
	} while (0)
	if (!e->exists && (opts & IMAP_LIST_EXTENDED) && !e->children)
		ATTR("\\NonExistent");
	else if (!e->exists)
		ATTR("\\Noselect");
	if (!(opts & IMAP_LIST_LSUB)) {
		if (e->children)
			ATTR("\\HasChildren");
		else
			ATTR("\\HasNoChildren");
		if (e->subscribed && (opts & IMAP_LIST_RET_SUBSCRIBED))
			ATTR("\\Subscribed");
		for (i = 0; i < sizeof(imap_special_uses) /
		     sizeof(imap_special_uses[0]); i++)
			if (e->special_use & imap_special_uses[i].bit) {
				imap_buf_adds(&b, sp ? " " : "");
				imap_buf_adds(&b, imap_special_uses[i].name);
				sp = true;
			}
	}
#undef ATTR
	imap_buf_adds(&b, ") \"/\" ");
	imap_write_astring(&b, e->utf7, strlen(e->utf7));
	if (childinfo)
		imap_buf_adds(&b, " (\"CHILDINFO\" (\"SUBSCRIBED\"))");
	imap_buf_adds(&b, "\r\n");
	imap_write_buf(s, &b);
	imap_buf_free(&b);
}

/* Selection options "(SUBSCRIBED REMOTE RECURSIVEMATCH SPECIAL-USE)". */
static int imap_list_selection(const struct imap_arg *a, unsigned int *opts)
{
	size_t i;

	for (i = 0; i < a->len; i++) {
		if (imap_arg_is_atom(&a->v.list[i], "SPECIAL-USE"))
			*opts |= IMAP_LIST_SPECIAL;
		else if (imap_arg_is_atom(&a->v.list[i], "SUBSCRIBED"))
			*opts |= IMAP_LIST_SUBSCRIBED |
				 IMAP_LIST_RET_SUBSCRIBED;
		else if (imap_arg_is_atom(&a->v.list[i], "RECURSIVEMATCH"))
			*opts |= IMAP_LIST_RECURSIVE;
		else if (!imap_arg_is_atom(&a->v.list[i], "REMOTE"))
			return -1;
	}
	/* RECURSIVEMATCH alone means nothing (RFC 5258 3). */
	if ((*opts & IMAP_LIST_RECURSIVE) &&
	    !(*opts & (IMAP_LIST_SUBSCRIBED | IMAP_LIST_SPECIAL)))
		return -1;
	return 0;
}

/* "RETURN (SUBSCRIBED CHILDREN SPECIAL-USE STATUS (...))". */
static int imap_list_return(const struct imap_arg *a,
			    struct imap_list_req *req)
{
	size_t i;

	for (i = 0; i < a->len; i++) {
		const struct imap_arg *o = &a->v.list[i];

		if (imap_arg_is_atom(o, "SUBSCRIBED")) {
			req->opts |= IMAP_LIST_RET_SUBSCRIBED;
		} else if (imap_arg_is_atom(o, "STATUS") && i + 1 < a->len &&
			   imap_status_items_valid(&a->v.list[i + 1])) {
			req->status = &a->v.list[++i];
		} else if (!imap_arg_is_atom(o, "CHILDREN") &&
			   !imap_arg_is_atom(o, "SPECIAL-USE")) {
			return -1;
		}
	}
	return 0;
}

/* Parse LIST/LSUB arguments into req; an error text or NULL. */
static const char *imap_list_parse(struct imap_cmd *cmd,
				   struct imap_list_req *req)
{
	const struct imap_arg *args = cmd->args, *pats;
	size_t nargs = cmd->nargs, i;
	const char *ref;

	if (!strcasecmp(cmd->name, "LSUB")) {
		req->opts |= IMAP_LIST_LSUB;
	} else if (nargs && args[0].type == IMAP_ARG_LIST) {
		req->opts |= IMAP_LIST_EXTENDED;
		if (imap_list_selection(&args[0], &req->opts) < 0)
			return "Bad LIST selection options";
		args++;
		nargs--;
	}
	if (!(req->opts & IMAP_LIST_LSUB) && nargs == 4 &&
	    imap_arg_is_atom(&args[2], "RETURN") &&
	    args[3].type == IMAP_ARG_LIST) {
		req->opts |= IMAP_LIST_EXTENDED;
		if (imap_list_return(&args[3], req) < 0)
			return "Bad LIST return options";
		nargs = 2;
	}
	ref = nargs == 2 ? imap_arg_astring(&args[0]) : NULL;
	if (!ref)
		return "LIST needs a reference and a pattern";
	pats = &args[1];
	if (pats->type == IMAP_ARG_LIST && !(req->opts & IMAP_LIST_LSUB)) {
		req->opts |= IMAP_LIST_EXTENDED;
		if (!pats->len || pats->len > IMAP_LIST_PATTERNS_MAX)
			return "Bad pattern list";
	} else {
		pats = NULL;
	}
	for (i = 0; i < (pats ? pats->len : 1); i++) {
		const char *p = imap_arg_astring(pats ? &pats->v.list[i] :
						 &args[1]);
		char *full;

		if (!p)
			return "LIST needs a reference and a pattern";
		if (strlen(ref) + strlen(p) > IMAP_PATTERN_MAX)
			return "Pattern too long";
		/* reference + pattern; imap_list_req_free() frees it */
		full = malloc(strlen(ref) + strlen(p) + 1);
		if (!full)
			return "Out of memory";
		strcpy(full, ref);
		strcat(full, p);
		/* INBOX matches case-insensitively. */
		if (!strncasecmp(full, "INBOX", 5) &&
		    (full[5] == '\0' || full[5] == '/'))
			memcpy(full, "INBOX", 5);
		req->patterns[req->npatterns++] = full;
	}
	return NULL;
}

static void imap_list_req_free(struct imap_list_req *req)
{
	size_t i;

	for (i = 0; i < req->npatterns; i++)
		free((char *)req->patterns[i]);
}

static bool imap_list_matches(const struct imap_list_req *req,
			      const char *name)
{
	size_t i;

	for (i = 0; i < req->npatterns; i++)
		if (imap_list_match(req->patterns[i], name))
			return true;
	return false;
}

void imap_cmd_list(struct imap_session *s, struct imap_cmd *cmd)
{
	struct imap_list_req req = { 0 };
	struct imap_list list = { 0 };
	const struct imap_list_entry *e;
	const char *err;
	bool childinfo;
	size_t i;
	int rc;

	err = imap_list_parse(cmd, &req);
	if (err) {
		imap_list_req_free(&req);
		imap_cmd_done(s, "BAD", "%s", err);
		return;
	}
	if (req.npatterns == 1 && !*req.patterns[0] &&
	    !(req.opts & IMAP_LIST_LSUB)) {
		imap_list_req_free(&req);
		imap_printf(s, "* LIST (\\Noselect) \"/\" \"\"\r\n");
		imap_cmd_done(s, "OK", "List completed");
		return;
	}
	rc = imap_list_build(s, &list);
	if (rc != STORE_OK) {
		imap_list_free(&list);
		imap_list_req_free(&req);
		imap_store_fail(s, rc, cmd->name);
		return;
	}
	for (i = 0; i < list.n; i++) {
		e = &list.e[i];
		childinfo = false;
		if (!imap_list_matches(&req, e->utf7))
			continue;
		if ((req.opts & (IMAP_LIST_LSUB | IMAP_LIST_SUBSCRIBED)) &&
		    !e->subscribed) {
			if (!(req.opts & IMAP_LIST_RECURSIVE) ||
			    !imap_list_subscribed_child(&list, e))
				continue;
			childinfo = true;
		}
		if ((req.opts & IMAP_LIST_SPECIAL) && !e->special_use)
			continue;
		if (!(req.opts & (IMAP_LIST_LSUB | IMAP_LIST_SUBSCRIBED)) &&
		    !e->exists && !e->children)
			continue;	/* a subscription only */
		imap_list_reply(s, e, req.opts, childinfo);
		if (req.status && e->exists) {
			rc = imap_status_write(s, e->name, req.status);
			if (rc != STORE_OK && rc != STORE_ENOMBOX)
				break;
		}
	}
	imap_list_free(&list);
	imap_list_req_free(&req);
	if (rc != STORE_OK && rc != STORE_ENOMBOX) {
		imap_store_fail(s, rc, cmd->name);
		return;
	}
	imap_cmd_done(s, "OK", "%s completed", cmd->name);
}
