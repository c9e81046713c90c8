/* The event log: lines are JSON that python3's json module parses back to
 * the same values (quotes, backslashes, control characters, UTF-8, bytes
 * that are not UTF-8), and lines written by many threads at once never
 * interleave. */
#include "notify/notify.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[] = "/tmp/can-notify-events.XXXXXX";

static bool have_python(void) { return system("python3 -c 'import json' >/dev/null 2>&1") == 0; }

/* Runs python3 on FILE with a script; returns its exit status. */
static int python(const char *script, const char *file)
{
	char *cmd = xasprintf("python3 -c '%s' '%s'", script, file);
	int st = system(cmd);
	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

static void test_format_fields(void **s)
{
	(void)s;
	char buf[4096];
	struct notify_decision d = { NOTIFY_REFUSE, EACCES, "filesystem.deny", "/home/u/.ssh", { "recipes/base.toml", 12, 3 } };
	struct notify_event e = {
		.pid = 42, .exe = "/usr/bin/cat", .syscall = "openat", .path = "/home/u/.ssh/id_rsa",
		.flags = "O_RDONLY", .verdict = NOTIFY_REFUSE, .err = EACCES, .decision = &d,
	};
	int n = notify_event_format(buf, sizeof(buf), &e, 1764059400.25);
	assert_true(n > 0);
	assert_string_equal(buf,
	                    "{\"time\":\"2025-11-25T08:30:00.250Z\",\"pid\":42,\"exe\":\"/usr/bin/cat\","
	                    "\"syscall\":\"openat\",\"args\":{\"path\":\"/home/u/.ssh/id_rsa\",\"flags\":\"O_RDONLY\"},"
	                    "\"verdict\":\"refused\",\"errno\":\"EACCES\",\"rule\":\"filesystem.deny\","
	                    "\"rule_value\":\"/home/u/.ssh\",\"recipe\":\"recipes/base.toml:12\"}");
	/* too small a buffer: -1, never a cut line */
	assert_int_equal(notify_event_format(buf, 20, &e, 0), -1);
	/* monitor: would-refuse, no errno */
	e.monitor = true;
	e.err = 0;
	n = notify_event_format(buf, sizeof(buf), &e, 0);
	assert_non_null(strstr(buf, "\"verdict\":\"would-refuse\",\"errno\":null"));
}

static const char *nasty[] = {
	"/plain/path",
	"/with \"quotes\" and \\backslashes\\",
	"/ctl\x01\x1f\x7f\n\r\t/end",
	"/utf8/\xc3\xa9t\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x98\x80",
	"/latin1/\xe9t\xe9",          /* not UTF-8 */
	"/cut/\xe2\x82",              /* a sequence cut short */
	"/overlong/\xc0\xaf",         /* an overlong '/' */
	"/surrogate/\xed\xa0\x80",    /* UTF-16 surrogate, invalid in UTF-8 */
};

/* What the escaping promises: valid UTF-8 kept, every other byte b as
 * U+00b. The python check compares against this. */
static void expected_python_literal(const char *s, FILE *out)
{
	fputs("\"", out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fprintf(out, "\\x%02x", *p);
	fputs("\"", out);
}

static void test_parse_back(void **s)
{
	(void)s;
	if (!have_python()) {
		skip();
		return;
	}
	char *file = xasprintf("%s/ev.jsonl", dir);
	struct notify_events *ev = notify_events_open(file);
	assert_non_null(ev);
	for (size_t i = 0; i < ARRAY_LEN(nasty); i++) {
		struct notify_decision d = { NOTIFY_REFUSE, EACCES, "filesystem.deny", nasty[i], { "r.toml", (int)i + 1, 1 } };
		struct notify_event e = { .pid = (pid_t)i, .exe = nasty[i], .syscall = "openat", .path = nasty[i],
		                          .path2 = nasty[i], .addr = "[::1]:53", .verdict = NOTIFY_REFUSE, .err = EACCES,
		                          .decision = &d, .detail = nasty[i] };
		notify_events_write(ev, &e);
	}
	notify_events_close(ev);
	/* The expected strings, decoded as python would decode our escaping. */
	char *exp = xasprintf("%s/expected.py", dir);
	FILE *f = fopen(exp, "w");
	fputs("raw = [", f);
	for (size_t i = 0; i < ARRAY_LEN(nasty); i++) {
		fputs("b", f);
		expected_python_literal(nasty[i], f);
		fputs(",", f);
	}
	fputs("]\n", f);
	fclose(f);
	char *script = xasprintf(
		"import json, sys\n"
		"exec(open(\"%s\").read())\n"
		"def dec(b):\n"
		"    out = []\n"
		"    i = 0\n"
		"    while i < len(b):\n"
		"        for n in (4, 3, 2, 1):\n"
		"            try:\n"
		"                ch = b[i:i+n].decode(\"utf-8\")\n"
		"                if len(ch) == 1 and (n > 1 or b[i] < 0x80): break\n"
		"            except UnicodeDecodeError: pass\n"
		"        else:\n"
		"            ch = chr(b[i]); n = 1\n"
		"        out.append(ch); i += n\n"
		"    return \"\".join(out)\n"
		"lines = open(sys.argv[1], \"rb\").read().split(b\"\\n\")\n"
		"assert lines[-1] == b\"\", \"no final newline\"\n"
		"lines = lines[:-1]\n"
		"assert len(lines) == len(raw), len(lines)\n"
		"for i, l in enumerate(lines):\n"
		"    l.decode(\"utf-8\")\n"
		"    o = json.loads(l)\n"
		"    want = dec(raw[i])\n"
		"    assert o[\"pid\"] == i\n"
		"    assert o[\"args\"][\"path\"] == want, (o[\"args\"][\"path\"], want)\n"
		"    assert o[\"exe\"] == want and o[\"detail\"] == want and o[\"rule_value\"] == want\n"
		"    assert o[\"args\"][\"addr\"] == \"[::1]:53\"\n"
		"    assert o[\"verdict\"] == \"refused\" and o[\"errno\"] == \"EACCES\"\n"
		"    assert o[\"recipe\"] == \"r.toml:%%d\" %% (i + 1)\n"
		"    assert o[\"syscall\"] == \"openat\" and o[\"rule\"] == \"filesystem.deny\"\n",
		exp);
	/* The script is passed in single quotes: it has none. */
	assert_null(strchr(script, '\''));
	assert_int_equal(python(script, file), 0);
	free(script);
	free(exp);
	free(file);
}

static struct notify_events *shared;

static void *writer(void *arg)
{
	char path[600];
	memset(path, 'a' + (int)(intptr_t)arg, sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	struct notify_decision d = { NOTIFY_REFUSE, EACCES, "filesystem.deny", "/x", { NULL, 0, 0 } };
	struct notify_event e = { .pid = (pid_t)(intptr_t)arg, .syscall = "openat", .path = path,
	                          .verdict = NOTIFY_REFUSE, .err = EACCES, .decision = &d };
	for (int i = 0; i < 500; i++)
		notify_events_write(shared, &e);
	return NULL;
}

static void test_threads(void **s)
{
	(void)s;
	if (!have_python()) {
		skip();
		return;
	}
	char *file = xasprintf("%s/threads.jsonl", dir);
	shared = notify_events_open(file);
	assert_non_null(shared);
	pthread_t t[8];
	for (intptr_t i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, writer, (void *)i);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	notify_events_close(shared);
	const char *script =
		"import json, sys\n"
		"n = 0\n"
		"for l in open(sys.argv[1]):\n"
		"    o = json.loads(l)\n"
		"    p = o[\"args\"][\"path\"]\n"
		"    assert set(p[1:]) == {chr(97 + o[\"pid\"])}, p[:20]\n"
		"    n += 1\n"
		"assert n == 4000, n\n";
	assert_int_equal(python(script, file), 0);
	free(file);
}

static void cleanup(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	atexit(cleanup);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_fields),
		cmocka_unit_test(test_parse_back),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
