// SPDX-License-Identifier: GPL-2.0
/* Child processes watched through pidfds; see proc.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "proc.h"

struct proc {
	struct loop_op op;
	pid_t pid;
	int pidfd;
	int outfd;		/* memfd with the output, or -1 */
	uint64_t deadline;	/* loop_now() ms, 0 for none */
	bool killed;
	proc_done_fn done;
	void *arg;
	char name[64];
	struct proc *next;
};

static struct proc *proc_list;

static void proc_unlink(struct proc *p)
{
	struct proc **pp;

	for (pp = &proc_list; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			return;
		}
	}
}

static void proc_read_output(struct proc *p, char *buf, size_t size)
{
	ssize_t n = 0;

	buf[0] = '\0';
	if (p->outfd < 0)
		return;
	n = pread(p->outfd, buf, size - 1, 0);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
}

static void proc_exited(struct loop_op *op, int res)
{
	struct proc *p = (struct proc *)op;
	char *out;
	siginfo_t si;
	int status;

	(void)res;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, p->pidfd, &si, WEXITED | WNOHANG) < 0 ||
	    si.si_pid == 0) {
		/* spurious wake-up: poll again */
		io_uring_prep_poll_add(loop_sqe(&p->op, proc_exited),
				       p->pidfd, POLLIN);
		return;
	}
	if (si.si_code == CLD_EXITED)
		status = W_EXITCODE(si.si_status, 0);
	else
		status = si.si_status & 0x7f;	/* terminated by signal */
	out = malloc(PROC_OUTPUT_MAX);
	if (out)
		proc_read_output(p, out, PROC_OUTPUT_MAX);
	proc_unlink(p);
	close(p->pidfd);
	if (p->outfd >= 0)
		close(p->outfd);
	if (p->done)
		p->done(p, status, out ? out : "", p->arg);
	free(out);
	free(p);
}

struct proc *proc_spawn(char *const argv[], char *const env[], bool capture,
			int timeout_ms, proc_done_fn done, void *arg)
{
	struct proc *p = calloc(1, sizeof(*p));
	int i, devnull;

	if (!p) {
		log_warnx("cannot run %s: out of memory", argv[0]);
		return NULL;
	}
	snprintf(p->name, sizeof(p->name), "%s", argv[0]);
	p->outfd = -1;
	if (capture) {
		p->outfd = memfd_create("twinhb-output", MFD_CLOEXEC);
		if (p->outfd < 0) {
			log_warn("memfd_create");
			free(p);
			return NULL;
		}
	}
	p->pid = fork();
	if (p->pid < 0) {
		log_warn("cannot run %s: fork", argv[0]);
		if (p->outfd >= 0)
			close(p->outfd);
		free(p);
		return NULL;
	}
	if (p->pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0)
			dup2(devnull, 0);
		if (p->outfd >= 0) {
			dup2(p->outfd, 1);
			dup2(p->outfd, 2);
		}
		for (i = 0; env && env[i]; i++)
			putenv(env[i]);
		execv(argv[0], argv);
		fprintf(stderr, "cannot execute %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	p->pidfd = pidfd_open(p->pid, 0);
	if (p->pidfd < 0) {
		log_warn("pidfd_open %d", (int)p->pid);
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		if (p->outfd >= 0)
			close(p->outfd);
		free(p);
		return NULL;
	}
	p->done = done;
	p->arg = arg;
	if (timeout_ms > 0)
		p->deadline = loop_now() + timeout_ms;
	p->next = proc_list;
	proc_list = p;
	io_uring_prep_poll_add(loop_sqe(&p->op, proc_exited), p->pidfd,
			       POLLIN);
	return p;
}

void proc_kill(struct proc *p, int sig)
{
	if (pidfd_send_signal(p->pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
		log_warn("cannot signal %s (pid %d)", p->name, (int)p->pid);
}

pid_t proc_pid(const struct proc *p)
{
	return p->pid;
}

void proc_tick(void)
{
	uint64_t now = loop_now();
	struct proc *p;

	for (p = proc_list; p; p = p->next) {
		if (p->deadline && now >= p->deadline && !p->killed) {
			log_warnx("%s (pid %d) timed out, killing it", p->name,
				  (int)p->pid);
			p->killed = true;
			proc_kill(p, SIGKILL);
		}
	}
}

int proc_count(void)
{
	struct proc *p;
	int n = 0;

	for (p = proc_list; p; p = p->next)
		n++;
	return n;
}

const char *proc_status_text(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	return buf;
}
