// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_main.c - shrike.ko: load and unload, the
 * module parameter ring_kb, and the recording settings the ioctls set.
 *
 * Load: the per-CPU work areas and the saved-state slots, the rings and
 * devices, then the tracepoint probes (which find all of them ready).
 * Unload: the probes first, unregistered and waited for
 * (tracepoint_synchronize_unregister), then the devices and rings, the
 * syscall table, the slots and work areas are freed; no device can be
 * open or mapped then, as each open file and mapping holds a reference to
 * the module.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/log2.h>
#include <linux/string.h>

#include "shrike_priv.h"

static unsigned int ring_kb = 8192;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb, "the ring of each CPU in KiB, a power of two from 64 to 1048576 (default 8192)");

u32 sk_ring_size;
struct sk_settings sk_settings;

void sk_settings_disable_all(void)
{
	smp_store_release(&sk_settings.enabled, 0);
}

static int __init sk_init(void)
{
	int err;

	if (ring_kb < 64 || ring_kb > 1048576 || !is_power_of_2(ring_kb)) {
		pr_err(SK_KMOD_NAME ": ring_kb=%u: want a power of two from 64 to 1048576\n", ring_kb);
		return -EINVAL;
	}
	sk_ring_size = ring_kb * 1024u;
	memset(&sk_settings, 0, sizeof(sk_settings));
	err = sk_rec_init();
	if (err)
		goto fail_rec;
	err = sk_saved_init();
	if (err)
		goto fail_saved;
	err = sk_dev_init(sk_ring_size);
	if (err) {
		pr_err(SK_KMOD_NAME ": cannot create the devices: %d\n", err);
		goto fail_dev;
	}
	err = sk_tp_init();
	if (err)
		goto fail_tp;
	pr_info(SK_KMOD_NAME ": loaded, API %u.%u, %u KiB per CPU\n", SK_KMOD_API_MAJOR,
		SK_KMOD_API_MINOR, ring_kb);
	return 0;

fail_tp:
	sk_dev_exit();
fail_dev:
	sk_saved_exit();
fail_saved:
	sk_rec_exit();
fail_rec:
	if (err == -ENOMEM)
		pr_err(SK_KMOD_NAME ": out of memory for the work areas\n");
	return err;
}

static void __exit sk_exit(void)
{
	sk_settings_disable_all();
	sk_tp_exit();
	sk_dev_exit();
	sk_table_exit();
	sk_saved_exit();
	sk_rec_exit();
	pr_info(SK_KMOD_NAME ": unloaded\n");
}

module_init(sk_init);
module_exit(sk_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The Shrike authors");
MODULE_DESCRIPTION("Shrike runtime threat detection: syscall and process events for the kmod source");
#ifdef SHRIKE_VERSION
MODULE_VERSION(SHRIKE_VERSION);
#endif
