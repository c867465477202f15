/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Child processes: the group step commands, the status probes, the slot
 * daemons and the notification hook. Each child is watched through a
 * pidfd polled on the ring, so the loop never blocks in waitpid(). Output
 * of short commands is captured in a memfd for the log.
 */
#ifndef TWINHB_PROC_H
#define TWINHB_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#define PROC_OUTPUT_MAX		4096	/* captured bytes kept */

struct proc;

/*
 * Called once when the child has exited; @status is as from waitpid(),
 * @output the captured stdout+stderr (empty if not captured). The proc is
 * freed after the call.
 */
typedef void (*proc_done_fn)(struct proc *p, int status, const char *output,
			     void *arg);

/*
 * Start argv[0] with @argv and the extra "NAME=value" strings in @env
 * (NULL-terminated, may be NULL). @timeout_ms > 0 kills the child with
 * SIGKILL when it runs longer. Returns NULL (and logs why) on failure.
 */
struct proc *proc_spawn(char *const argv[], char *const env[], bool capture,
			int timeout_ms, proc_done_fn done, void *arg);

void proc_kill(struct proc *p, int sig);
pid_t proc_pid(const struct proc *p);

/* Enforce timeouts; called from the tick. */
void proc_tick(void);

/* How many children are running. */
int proc_count(void);

/* "exit status 3", "killed by signal 9" */
const char *proc_status_text(int status, char *buf, size_t len);

#endif
