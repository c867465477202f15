// SPDX-License-Identifier: GPL-2.0
/*
 * twin_smoke - the smallest module the VM smoke test loads in a guest, to
 * prove that the project's Kbuild output runs on the guests' kernel.
 */
#include <linux/module.h>
#include <linux/utsname.h>

static int __init twin_smoke_init(void)
{
	pr_info("twin_smoke: loaded on %s\n", utsname()->nodename);
	return 0;
}

static void __exit twin_smoke_exit(void)
{
	pr_info("twin_smoke: unloaded\n");
}

module_init(twin_smoke_init);
module_exit(twin_smoke_exit);
MODULE_DESCRIPTION("Twinstore VM harness smoke-test module");
MODULE_LICENSE("GPL");
