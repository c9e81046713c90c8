/* core/util/procfs: the field parser on plain text (line starts only,
 * bases, junk, truncation), the children list parser, and the reader on
 * this process's own status and on a process that has gone. */
#include "util/procfs.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static const char status[] =
	"Name:\tbash\n"
	"Umask:\t0027\n"
	"State:\tS (sleeping)\n"
	"Tgid:\t4242\n"
	"Ngid:\t0\n"
	"Pid:\t4243\n"
	"PPid:\t17\n"
	"Uid:\t1000\t1000\t1000\t1000\n"
	"SigPnd:\t0000000000000200\n"
	"Seccomp:\t2\n";

static unsigned long long field(const char *text, const char *key, int base, int want)
{
	unsigned long long v = 0xdead;
	assert_int_equal(procfs_field(text, strlen(text), key, base, &v), want);
	return v;
}

static void test_fields(void **st)
{
	(void)st;
	assert_int_equal(field(status, "Tgid:", 10, 0), 4242);
	assert_int_equal(field(status, "PPid:", 10, 0), 17);
	assert_int_equal(field(status, "Pid:", 10, 0), 4243);
	assert_int_equal(field(status, "Umask:", 8, 0), 027);
	assert_int_equal(field(status, "SigPnd:", 16, 0), 0x200);
	assert_int_equal(field(status, "Seccomp:", 10, 0), 2);
	/* The first of several values. */
	assert_int_equal(field(status, "Uid:", 10, 0), 1000);
	/* The first line counts too. */
	assert_int_equal(field("Tgid:\t9\n", "Tgid:", 10, 0), 9);
	/* No trailing newline. */
	assert_int_equal(field("Tgid:\t9", "Tgid:", 10, 0), 9);
}

static void test_refusals(void **st)
{
	(void)st;
	/* Missing, empty, not a number, negative, trailing junk, overflow. */
	field(status, "Cpus:", 10, -1);
	assert_int_equal(errno, EINVAL);
	field("Tgid:\n", "Tgid:", 10, -1);
	field("Tgid:\tabc\n", "Tgid:", 10, -1);
	field("Tgid:\t-1\n", "Tgid:", 10, -1);
	field("Tgid:\t12x\n", "Tgid:", 10, -1);
	field("Tgid:\t99999999999999999999999\n", "Tgid:", 10, -1);
	/* A key in the middle of a line (a forged Name) is not a field. */
	field("Name:\tx Tgid:\t1\n", "Tgid:", 10, -1);
	/* A longer key that starts like the wanted one is another field. */
	field("TgidX:\t3\n", "Tgid:", 10, -1);
	/* The parser stops at len: a value beyond it is not read. */
	unsigned long long v;
	assert_int_equal(procfs_field("Tgid:\t7", 5, "Tgid:", 10, &v), -1);
	assert_int_equal(procfs_field("Tgid:\t78", 7, "Tgid:", 10, &v), 0);
	assert_int_equal(v, 7);
}

static void test_live(void **st)
{
	(void)st;
	unsigned long long v;
	assert_int_equal(procfs_status_field(getpid(), "Tgid:", 10, &v), 0);
	assert_int_equal(v, (unsigned long long)getpid());
	assert_int_equal(procfs_status_field(getpid(), "PPid:", 10, &v), 0);
	assert_int_equal(v, (unsigned long long)getppid());
	/* A reaped child: its status is gone, the helper says so. */
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	assert_true(c > 0);
	assert_int_equal(waitpid(c, NULL, 0), c);
	assert_int_equal(procfs_status_field(c, "Tgid:", 10, &v), -1);
	assert_int_equal(errno, ENOENT);
	char buf[8];
	assert_int_equal(procfs_read("/proc/self/status", buf, 0), -1);
	/* A small buffer truncates but stays terminated. */
	assert_int_equal(procfs_read("/proc/self/status", buf, sizeof(buf)), 7);
	assert_int_equal(buf[7], '\0');
}

static void test_pid_list(void **st)
{
	(void)st;
	pid_t v[8];
	const char *t = "12 345 6789 ";
	assert_int_equal(procfs_pid_list(t, strlen(t), 0, v, 8), 3);
	assert_int_equal(v[0], 12);
	assert_int_equal(v[1], 345);
	assert_int_equal(v[2], 6789);
	/* A full buffer: the last number may be cut ("6789" of "67890"). */
	t = "12 345 6789";
	assert_int_equal(procfs_pid_list(t, strlen(t), 1, v, 8), 2);
	assert_int_equal(procfs_pid_list(t, strlen(t), 0, v, 8), 3);
	/* Ending in a space, a full buffer's last number is whole. */
	t = "12 345 ";
	assert_int_equal(procfs_pid_list(t, strlen(t), 1, v, 8), 2);
	/* Not pids: skipped; at most max. */
	t = "0 -5 x7 99999999999 2147483647 2147483648 8\n";
	assert_int_equal(procfs_pid_list(t, strlen(t), 0, v, 8), 2);
	assert_int_equal(v[0], 2147483647);
	assert_int_equal(v[1], 8);
	t = "1 2 3 4";
	assert_int_equal(procfs_pid_list(t, strlen(t), 0, v, 2), 2);
	assert_int_equal(procfs_pid_list("", 0, 0, v, 8), 0);
	assert_int_equal(procfs_pid_list("   \n", 4, 1, v, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_pid_list),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_live),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
