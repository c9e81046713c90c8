/* Copying arguments out of a process (notify_mem.c), against this very
 * process: process_vm_readv works on oneself. Pages are laid out with
 * mmap/mprotect so strings end exactly at, cross, or run into an
 * unmapped page. */
#include "notify/notify_int.h"
#include "util/util.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

static char *pages; /* three pages: readable, readable, PROT_NONE */
static size_t ps;

static int setup(void **state)
{
	(void)state;
	ps = (size_t)sysconf(_SC_PAGESIZE);
	pages = mmap(NULL, 3 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED)
		return -1;
	memset(pages, 'a', 2 * ps);
	return mprotect(pages + 2 * ps, ps, PROT_NONE);
}

static int teardown(void **state)
{
	(void)state;
	munmap(pages, 3 * ps);
	return 0;
}

static uint64_t at(size_t off) { return (uint64_t)(uintptr_t)(pages + off); }

static void test_string_ends_at_page_end(void **s)
{
	(void)s;
	char buf[PATH_MAX];
	/* "abc\0" whose NUL is the last byte before the unmapped page */
	memcpy(pages + 2 * ps - 4, "abc", 4);
	assert_int_equal(notify_mem_read_string(getpid(), at(2 * ps - 4), buf, sizeof(buf)), 3);
	assert_string_equal(buf, "abc");
	memset(pages + 2 * ps - 4, 'a', 4);
}

static void test_string_crosses_pages(void **s)
{
	(void)s;
	char buf[PATH_MAX];
	/* 100 bytes before the first page boundary, 20 after */
	memset(pages + ps - 100, 'x', 120);
	pages[ps + 20] = '\0';
	assert_int_equal(notify_mem_read_string(getpid(), at(ps - 100), buf, sizeof(buf)), 120);
	assert_int_equal(strspn(buf, "x"), 120);
	memset(pages + ps - 100, 'a', 121);
}

static void test_string_runs_into_unmapped(void **s)
{
	(void)s;
	char buf[PATH_MAX];
	/* no NUL before the PROT_NONE page: EFAULT, as the kernel says */
	assert_int_equal(notify_mem_read_string(getpid(), at(2 * ps - 10), buf, sizeof(buf)), -EFAULT);
	assert_int_equal(notify_mem_read_string(getpid(), at(2 * ps), buf, sizeof(buf)), -EFAULT);
	assert_int_equal(notify_mem_read_string(getpid(), 0, buf, sizeof(buf)), -EFAULT);
}

static void test_string_too_long(void **s)
{
	(void)s;
	char buf[PATH_MAX];
	/* two readable pages of 'a' (8 KiB) and no NUL: longer than PATH_MAX */
	assert_int_equal(notify_mem_read_string(getpid(), at(0), buf, sizeof(buf)), -ENAMETOOLONG);
	/* exactly PATH_MAX - 1 bytes and a NUL fits */
	pages[PATH_MAX - 1] = '\0';
	assert_int_equal(notify_mem_read_string(getpid(), at(0), buf, sizeof(buf)), PATH_MAX - 1);
	pages[PATH_MAX - 1] = 'a';
	pages[PATH_MAX] = '\0';
	assert_int_equal(notify_mem_read_string(getpid(), at(0), buf, sizeof(buf)), -ENAMETOOLONG);
	pages[PATH_MAX] = 'a';
}

static void test_struct_reads(void **s)
{
	(void)s;
	char buf[64];
	/* a struct crossing into the unmapped page is EFAULT, not a partial copy */
	assert_int_equal(notify_mem_read(getpid(), at(2 * ps - 32), buf, 64), -EFAULT);
	assert_int_equal(notify_mem_read(getpid(), at(2 * ps - 64), buf, 64), 0);
	/* one crossing between two mapped pages is whole */
	memcpy(pages + ps - 8, "0123456789abcdef", 16);
	assert_int_equal(notify_mem_read(getpid(), at(ps - 8), buf, 16), 0);
	assert_memory_equal(buf, "0123456789abcdef", 16);
	assert_int_equal(notify_mem_read(getpid(), 0, buf, 8), -EFAULT);
	assert_int_equal(notify_mem_read(getpid(), 0, buf, 0), 0);
}

static void test_gone_process(void **s)
{
	(void)s;
	char buf[8];
	/* a pid that does not exist: ESRCH, so the engine can tell the two */
	assert_int_equal(notify_mem_read(0x3ffffff0, at(0), buf, sizeof(buf)), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_ends_at_page_end),
		cmocka_unit_test(test_string_crosses_pages),
		cmocka_unit_test(test_string_runs_into_unmapped),
		cmocka_unit_test(test_string_too_long),
		cmocka_unit_test(test_struct_reads),
		cmocka_unit_test(test_gone_process),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
