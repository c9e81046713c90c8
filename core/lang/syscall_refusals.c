/* The system calls can always refuses, with the reason for each: the table
 * the seccomp builder compiles into its fixed hardening (seccomp/
 * seccomp_rules.c) and the recipe loader checks [syscalls] allow_extra
 * against, so asking for one is a recipe error at its position, not a wall
 * failure at run time (issue 12). It lives in lang/ because seccomp/ may
 * include lang/ and lang/ may not include seccomp/ (docs/layout.md).
 * Syscalls only partly refused (ioctl, clone, seccomp, personality, kill...)
 * are not listed: allowing them allows their harmless forms. */
#include "lang/syscall_refusals.h"

#include <string.h>

const struct syscall_refusal syscall_refusals[] = {
	/* other processes */
	{ "ptrace", "it reads and writes other processes' memory and registers" },
	{ "process_vm_readv", "it reads another process's memory" },
	{ "process_vm_writev", "it writes another process's memory" },
	{ "pidfd_getfd", "it takes file descriptors from another process" },
	/* kernel attack surface with a history of escapes */
	{ "io_uring_setup", "io_uring performs I/O that seccomp never sees" },
	{ "io_uring_enter", "io_uring performs I/O that seccomp never sees" },
	{ "io_uring_register", "io_uring performs I/O that seccomp never sees" },
	{ "bpf", "eBPF programs are kernel attack surface" },
	{ "userfaultfd", "it stalls the kernel at chosen points, a staple of kernel exploits" },
	{ "perf_event_open", "performance counters leak kernel state and are attack surface" },
	{ "keyctl", "the kernel keyring is shared outside the sandbox" },
	{ "add_key", "the kernel keyring is shared outside the sandbox" },
	{ "request_key", "the kernel keyring is shared outside the sandbox" },
	/* escaping the mount view */
	{ "open_by_handle_at", "file handles open files outside the sandbox's view" },
	{ "name_to_handle_at", "file handles open files outside the sandbox's view" },
	{ "mount", "the sandbox's mount view is fixed" },
	{ "umount2", "the sandbox's mount view is fixed" },
	{ "pivot_root", "the sandbox's mount view is fixed" },
	{ "move_mount", "the sandbox's mount view is fixed" },
	{ "open_tree", "the sandbox's mount view is fixed" },
	{ "open_tree_attr", "the sandbox's mount view is fixed" },
	{ "fsopen", "the sandbox's mount view is fixed" },
	{ "fsmount", "the sandbox's mount view is fixed" },
	{ "fsconfig", "the sandbox's mount view is fixed" },
	{ "fspick", "the sandbox's mount view is fixed" },
	{ "mount_setattr", "the sandbox's mount view is fixed" },
	{ "chroot", "the sandbox's mount view is fixed" },
	/* namespaces: new ones are kernel attack surface and undo the walls */
	{ "unshare", "new namespaces are kernel attack surface (user namespaces above all)" },
	{ "setns", "joining namespaces leaves the sandbox's" },
	/* the machine itself */
	{ "kexec_load", "it replaces the running kernel" },
	{ "kexec_file_load", "it replaces the running kernel" },
	{ "init_module", "it loads kernel modules" },
	{ "finit_module", "it loads kernel modules" },
	{ "delete_module", "it unloads kernel modules" },
	{ "iopl", "it gives direct access to I/O ports" },
	{ "ioperm", "it gives direct access to I/O ports" },
	{ "swapon", "it changes the machine's swap" },
	{ "swapoff", "it changes the machine's swap" },
	{ "reboot", "it reboots the machine" },
	{ "acct", "it changes process accounting for the machine" },
	{ "quotactl", "it changes disk quotas" },
	{ "quotactl_fd", "it changes disk quotas" },
	{ "lookup_dcookie", "it leaks kernel paths (profiling interface)" },
	{ "uselib", "an obsolete loader interface with a history of bugs" },
	{ "vhangup", "it hangs up the terminal the sandbox shares" },
	{ "nfsservctl", "an obsolete kernel NFS server interface" },
	{ "syslog", "it reads the kernel log" },
};
const size_t syscall_nrefusals = sizeof(syscall_refusals) / sizeof(syscall_refusals[0]);

const char *syscall_refusal_why(const char *name)
{
	for (size_t i = 0; i < syscall_nrefusals; i++)
		if (strcmp(syscall_refusals[i].name, name) == 0)
			return syscall_refusals[i].why;
	return NULL;
}
