// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - twin.ko: a block device replicated to a peer over TCP, in the
 * spirit of DRBD. Loading the module creates nothing; resources are
 * created and configured over generic netlink (twinadm).
 */
#include "twin.h"

#include <linux/module.h>

int twin_major;

static int __init twin_init(void)
{
	int err;

	twin_major = register_blkdev(0, "twin");
	if (twin_major < 0)
		return twin_major;
	twin_debugfs_init();
	err = twin_nl_init();
	if (err)
		goto out_debugfs;
	pr_info("loaded (protocol %d, netlink family \"%s\" v%d)\n",
		TWIN_PROTO_VERSION, TWIN_GENL_NAME, TWIN_GENL_VERSION);
	return 0;

out_debugfs:
	twin_debugfs_exit();
	unregister_blkdev(twin_major, "twin");
	pr_err("loading failed: %d\n", err);
	return err;
}

static void __exit twin_exit(void)
{
	struct twin_res *res, *tmp;
	const char *why;

	twin_nl_shutdown();
	mutex_lock(&twin_res_mutex);
	list_for_each_entry_safe(res, tmp, &twin_resources, list) {
		/* nothing has it open (we hold no module reference then) */
		res->st.role = TWIN_ROLE_SECONDARY;
		if (twin_res_destroy(res, &why))
			pr_err("%s: cannot delete: %s\n", res->name, why);
	}
	mutex_unlock(&twin_res_mutex);
	twin_nl_exit();
	twin_debugfs_exit();
	unregister_blkdev(twin_major, "twin");
	pr_info("unloaded\n");
}

module_init(twin_init);
module_exit(twin_exit);

MODULE_DESCRIPTION("twin: block device replicated to a peer (DRBD-like)");
MODULE_AUTHOR("Twinstore");
MODULE_LICENSE("GPL");
