/* Copying arguments out of the target's memory, once, with bounds.
 *
 * process_vm_readv stops at the first unmapped page and returns what it
 * got, so a read is retried from where it stopped; a string is read up to
 * the end of each page at a time, so a path that ends just before an
 * unmapped page is still read whole, and one that runs into it is EFAULT,
 * as the kernel's own strncpy_from_user would say. */
#include "notify/notify_int.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static size_t page_size(void)
{
	static size_t ps;
	if (!ps) {
		long v = sysconf(_SC_PAGESIZE);
		ps = v > 0 ? (size_t)v : 4096;
	}
	return ps;
}

/* One read of up to len bytes. Returns bytes read (>0) or -errno. */
static ssize_t read_some(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	for (;;) {
		ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		if (n > 0)
			return n;
		if (n == 0)
			return -EFAULT;
		if (errno == EINTR)
			continue;
		return -errno;
	}
}

int notify_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	size_t done = 0;
	if (addr == 0 && len > 0)
		return -EFAULT;
	while (done < len) {
		ssize_t n = read_some(pid, addr + done, (char *)buf + done, len - done);
		if (n < 0)
			return n == -ESRCH ? -ESRCH : -EFAULT;
		done += (size_t)n;
	}
	return 0;
}

int notify_mem_write(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_writev(pid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	return n < 0 && errno == ESRCH ? -ESRCH : -EFAULT;
}

ssize_t notify_mem_read_string(pid_t pid, uint64_t addr, char *buf, size_t size)
{
	size_t done = 0, ps = page_size();
	if (addr == 0)
		return -EFAULT;
	if (size == 0)
		return -ENAMETOOLONG;
	while (done < size) {
		uint64_t at = addr + done;
		size_t chunk = ps - (size_t)(at % ps);
		if (chunk > size - done)
			chunk = size - done;
		ssize_t n = read_some(pid, at, buf + done, chunk);
		if (n < 0)
			return n == -ESRCH ? -ESRCH : -EFAULT;
		char *nul = memchr(buf + done, '\0', (size_t)n);
		if (nul)
			return nul - buf;
		done += (size_t)n;
	}
	buf[size - 1] = '\0';
	return -ENAMETOOLONG;
}
