/* One test per row of docs/merge.md. Each test is named after its row
 * (the merge_test column of the field table in core/lang/schema.c), and the last
 * test checks that every row has its test here. */
#include "recipe_test.h"

#define MERGE(a, b) \
	struct policy p; \
	t_merge2(&p, a, b)

static void merge_strict_or(void **state)
{
	MERGE("strict = true", "strict = false");
	assert_true(p.strict.set && p.strict.v);
	assert_string_equal(p.strict.at.file, "a.toml"); /* the layer that turned it on */
	policy_free(&p);
	t_merge2(&p, "strict = false", "strict = true");
	assert_true(p.strict.v);
	policy_free(&p);
	t_merge2(&p, "strict = false", "");
	assert_true(p.strict.set && !p.strict.v);
	policy_free(&p);
}

static void last_string(const char *key, size_t off)
{
	char a[128], b[128];
	snprintf(a, sizeof(a), "[recipe]\n%s = \"A\"", key);
	snprintf(b, sizeof(b), "[recipe]\n%s = \"B\"", key);
	struct policy p;
	t_merge2(&p, a, b);
	struct popt *o = (struct popt *)((char *)&p + off);
	assert_string_equal(o->v, "B");
	assert_string_equal(o->at.file, "b.toml");
	policy_free(&p);
	t_merge2(&p, a, "");
	o = (struct popt *)((char *)&p + off);
	assert_string_equal(o->v, "A"); /* unset does not erase */
	policy_free(&p);
}

static void merge_recipe_name_last(void **state) { last_string("name", offsetof(struct policy, recipe.name)); }
static void merge_recipe_description_last(void **state) { last_string("description", offsetof(struct policy, recipe.description)); }
static void merge_recipe_version_last(void **state) { last_string("version", offsetof(struct policy, recipe.version)); }

/* Union with the first origin kept, for a list field written as SEC KEY. */
static void union_list(const char *sec, const char *key, const char *x, const char *y,
		       const char *z, size_t off)
{
	char a[256], b[256];
	snprintf(a, sizeof(a), "[%s]\n%s = [\"%s\", \"%s\"]", sec, key, x, y);
	snprintf(b, sizeof(b), "[%s]\n%s = [\"%s\", \"%s\"]", sec, key, y, z);
	struct policy p;
	t_merge2(&p, a, b);
	struct plist *l = (struct plist *)((char *)&p + off);
	assert_int_equal(l->n, 3);
	assert_string_equal(l->v[0].s, x);
	assert_string_equal(l->v[1].s, y);
	assert_string_equal(l->v[2].s, z);
	assert_string_equal(l->v[1].at.file, "a.toml");
	assert_string_equal(l->v[2].at.file, "b.toml");
	policy_free(&p);
}

static void merge_recipe_match_prefix_union(void **state) { union_list("recipe", "match_prefix", "/a", "/b", "/c", offsetof(struct policy, recipe.match_prefix)); }
static void merge_fs_allow_union(void **state) { union_list("filesystem", "allow", "/a", "/b", "/c", offsetof(struct policy, fs.allow)); }
static void merge_fs_allow_write_union(void **state) { union_list("filesystem", "allow_write", "/a", "/b", "/c", offsetof(struct policy, fs.allow_write)); }
static void merge_fs_mask_union(void **state)
{
	union_list("filesystem", "mask", "/a", "/b", "/c", offsetof(struct policy, fs.mask));
	MERGE("[filesystem]\nmask = [\"/x/key\"]", "[filesystem]\nallow = [\"/x\"]");
	assert_int_equal(policy_fs_access(&p, "/x/key"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/x/other"), FS_READ);
	policy_free(&p);
}
static void merge_net_allow_ips_union(void **state) { union_list("network", "allow_ips", "10.0.0.1", "10.0.0.0/8", "::1", offsetof(struct policy, net.allow_ips)); }
static void merge_proc_allow_execve_union(void **state) { union_list("process", "allow_execve", "/bin/a", "/bin/b", "/bin/c", offsetof(struct policy, proc.allow_execve)); }
static void merge_proc_env_passthrough_union(void **state) { union_list("process", "env_passthrough", "A", "B", "C", offsetof(struct policy, proc.env_passthrough)); }
static void merge_sys_allow_union(void **state) { union_list("syscalls", "allow", "read", "write", "open", offsetof(struct policy, sys.allow)); }
static void merge_sys_deny_union(void **state) { union_list("syscalls", "deny", "ptrace", "bpf", "kcmp", offsetof(struct policy, sys.deny)); }
static void merge_sys_deny_extra_union(void **state) { union_list("syscalls", "deny_extra", "ptrace", "bpf", "kcmp", offsetof(struct policy, sys.deny_extra)); }

static void merge_fs_deny_beats_allow(void **state)
{
	/* deny first, allow later */
	MERGE("[filesystem]\ndeny = [\"/home/u/.ssh\"]",
	      "[filesystem]\nallow = [\"/home/u\", \"/home/u/.ssh\"]\nallow_write = [\"/home/u/.ssh/x\"]");
	assert_int_equal(policy_fs_access(&p, "/home/u/.ssh"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/home/u/.ssh/id_ed25519"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/home/u/.ssh/x"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/home/u/.sshx"), FS_READ); /* not under it */
	assert_int_equal(policy_fs_access(&p, "/home/u/src"), FS_READ);
	assert_int_equal(policy_fs_access(&p, "/etc"), FS_NONE);
	policy_free(&p);
	/* allow first, deny later: the same */
	t_merge2(&p, "[filesystem]\nallow_write = [\"/w\"]", "[filesystem]\ndeny = [\"/w\"]");
	assert_int_equal(policy_fs_access(&p, "/w/f"), FS_DENIED);
	policy_free(&p);
}

static void merge_sys_deny_beats_allow_extra(void **state)
{
	MERGE("[syscalls]\nallow = [\"read\"]\ndeny = [\"kcmp\"]",
	      "[syscalls]\nallow_extra = [\"kcmp\", \"mlock\"]");
	assert_false(policy_syscall_allowed(&p, "kcmp"));
	assert_true(policy_syscall_allowed(&p, "mlock"));
	assert_true(policy_syscall_allowed(&p, "read"));
	assert_false(policy_syscall_allowed(&p, "write"));
	policy_free(&p);
	t_merge2(&p, "[syscalls]\ndeny_extra = [\"mlock\"]", "[syscalls]\nallow_extra = [\"mlock\"]");
	assert_false(policy_syscall_allowed(&p, "mlock"));
	policy_free(&p);
}

static void last_enum(const char *sec, const char *key, const char *x, const char *y, size_t off)
{
	char a[128], b[128];
	snprintf(a, sizeof(a), "[%s]\n%s = \"%s\"", sec, key, x);
	snprintf(b, sizeof(b), "[%s]\n%s = \"%s\"", sec, key, y);
	struct policy p;
	t_merge2(&p, a, b);
	assert_string_equal(((struct popt *)((char *)&p + off))->v, y);
	policy_free(&p);
	t_merge2(&p, b, a);
	assert_string_equal(((struct popt *)((char *)&p + off))->v, x);
	policy_free(&p);
	t_merge2(&p, a, "");
	assert_string_equal(((struct popt *)((char *)&p + off))->v, x);
	policy_free(&p);
}

static void merge_net_egress_last(void **state) { last_enum("network", "egress", "none", "proxy-only", offsetof(struct policy, net.egress)); }
static void merge_net_contract_mode_last(void **state) { last_enum("network", "contract_mode", "strict", "relaxed", offsetof(struct policy, net.contract_mode)); }
static void merge_proxy_upstream_scheme_last(void **state) { last_enum("proxy", "upstream_scheme", "http", "h2c", offsetof(struct policy, proxy.upstream_scheme)); }
static void merge_sys_seccomp_mode_last(void **state) { last_enum("syscalls", "seccomp_mode", "allow-list", "deny-list", offsetof(struct policy, sys.seccomp_mode)); }

static void or_bool(const char *sec, const char *key, size_t off)
{
	char t[128], f[128];
	snprintf(t, sizeof(t), "[%s]\n%s = true", sec, key);
	snprintf(f, sizeof(f), "[%s]\n%s = false", sec, key);
	struct policy p;
	t_merge2(&p, t, f);
	assert_true(((struct pbool *)((char *)&p + off))->v);
	policy_free(&p);
	t_merge2(&p, f, t);
	assert_true(((struct pbool *)((char *)&p + off))->v);
	assert_string_equal(((struct pbool *)((char *)&p + off))->at.file, "b.toml");
	policy_free(&p);
	t_merge2(&p, f, f);
	assert_false(((struct pbool *)((char *)&p + off))->v);
	policy_free(&p);
}

static void merge_net_allow_host_loopback_or(void **state) { or_bool("network", "allow_host_loopback", offsetof(struct policy, net.allow_host_loopback)); }
static void merge_dlp_enabled_or(void **state) { or_bool("network.dlp", "enabled", offsetof(struct policy, net.dlp.enabled)); }
static void merge_dlp_canary_tokens_or(void **state) { or_bool("network.dlp", "canary_tokens", offsetof(struct policy, net.dlp.canary_tokens)); }
static void merge_dlp_decompress_or(void **state) { or_bool("network.dlp", "decompress", offsetof(struct policy, net.dlp.decompress)); }
static void merge_sys_notifier_or(void **state) { or_bool("syscalls", "notifier", offsetof(struct policy, sys.notifier)); }

/* max (want_max) or min of an integer field, either order. */
static void minmax_int(const char *sec, const char *key, int lo, int hi, bool want_max, size_t off)
{
	char a[128], b[128];
	snprintf(a, sizeof(a), "[%s]\n%s = %d", sec, key, lo);
	snprintf(b, sizeof(b), "[%s]\n%s = %d", sec, key, hi);
	for (int order = 0; order < 2; order++) {
		struct policy p;
		t_merge2(&p, order ? b : a, order ? a : b);
		struct pint *v = (struct pint *)((char *)&p + off);
		assert_int_equal(v->v, want_max ? hi : lo);
		policy_free(&p);
	}
}

static void merge_dlp_max_decode_depth_max(void **state) { minmax_int("network.dlp", "max_decode_depth", 8, 64, true, offsetof(struct policy, net.dlp.max_decode_depth)); }
static void merge_dlp_session_entropy_budget_min(void **state) { minmax_int("network.dlp", "session_entropy_budget", 100, 8192, false, offsetof(struct policy, net.dlp.session_entropy_budget)); }
static void merge_proc_max_pids_max(void **state) { minmax_int("process", "max_pids", 32, 512, true, offsetof(struct policy, proc.max_pids)); }
static void merge_proxy_max_buffered_body_bytes_max(void **state) { minmax_int("proxy", "max_buffered_body_bytes", 1024, 4096, true, offsetof(struct policy, proxy.max_buffered_body_bytes)); }
static void merge_proxy_max_streamed_body_bytes_max(void **state) { minmax_int("proxy", "max_streamed_body_bytes", 1024, 4096, true, offsetof(struct policy, proxy.max_streamed_body_bytes)); }
static void merge_proxy_upstream_request_timeout_ms_max(void **state) { minmax_int("proxy", "upstream_request_timeout_ms", 1000, 30000, true, offsetof(struct policy, proxy.upstream_request_timeout_ms)); }
static void merge_res_cpu_percent_max(void **state) { minmax_int("resources", "cpu_percent", 50, 200, true, offsetof(struct policy, res.cpu_percent)); }
static void merge_res_memory_mb_max(void **state) { minmax_int("resources", "memory_mb", 256, 2048, true, offsetof(struct policy, res.memory_mb)); }

static void merge_dlp_dns_entropy_threshold_min(void **state)
{
	for (int order = 0; order < 2; order++) {
		const char *a = "[network.dlp]\ndns_entropy_threshold = 0.9";
		const char *b = "[network.dlp]\ndns_entropy_threshold = 0.5";
		MERGE(order ? b : a, order ? a : b);
		assert_true(p.net.dlp.dns_entropy_threshold.v == 0.5);
		policy_free(&p);
	}
}

static void merge_net_ports_union_last_per_port(void **state)
{
	MERGE("[network]\nports = [{ host = 8080, sandbox = 80 }, { host = 9000, sandbox = 9000 }]",
	      "[network]\nports = [{ host = 8080, sandbox = 81, protocol = \"tcp\" },"
	      " { host = 8080, sandbox = 80, protocol = \"udp\" }]");
	assert_int_equal(p.net.nports, 3);
	assert_int_equal(p.net.ports[0].host, 8080);
	assert_int_equal(p.net.ports[0].sandbox, 81); /* later layer, same port and protocol */
	assert_string_equal(p.net.ports[0].protocol, "tcp");
	assert_string_equal(p.net.ports[0].at.file, "b.toml");
	assert_int_equal(p.net.ports[1].host, 9000);
	assert_string_equal(p.net.ports[2].protocol, "udp");
	policy_free(&p);
}

static void merge_proc_env_last_per_name(void **state)
{
	MERGE("[process]\nenv = { A = \"1\", B = \"2\" }", "[process.env]\nB = \"3\"\nC = \"4\"");
	assert_int_equal(p.proc.env.n, 3);
	assert_string_equal(p.proc.env.v[0].name, "A");
	assert_string_equal(p.proc.env.v[0].value, "1");
	assert_string_equal(p.proc.env.v[1].name, "B");
	assert_string_equal(p.proc.env.v[1].value, "3");
	assert_string_equal(p.proc.env.v[1].at.file, "b.toml");
	assert_string_equal(p.proc.env.v[2].value, "4");
	policy_free(&p);
}

static void merge_hosts_distinct_kept(void **state)
{
	MERGE("[[host]]\ndomain = \"a.example\"\n[[host]]\ndomain = \"*.b.example\"",
	      "[[host]]\ndomain = \"c.example\"");
	assert_int_equal(p.nhosts, 3);
	assert_string_equal(p.hosts[0].domain.s, "a.example");
	assert_string_equal(p.hosts[1].domain.s, "*.b.example");
	assert_string_equal(p.hosts[2].domain.s, "c.example");
	policy_free(&p);
}

static const char host_a[] = "[[host]]\ndomain = \"api.example\"\nmethods = [\"GET\"]\n"
			     "paths = [\"/v1/**\"]\ncontent_types = [\"application/json\"]\n"
			     "max_request_bytes = 100\ncontract_mode = \"strict\"\n";
static const char host_b[] = "[[host]]\ndomain = \"api.example\"\nmethods = [\"POST\", \"GET\"]\n"
			     "paths = [\"/v2/*\"]\ncontent_types = [\"text/plain\"]\n"
			     "max_request_bytes = 50\ncontract_mode = \"relaxed\"\n";

static void merge_host_same_domain_one_block(void **state)
{
	MERGE(host_a, host_b);
	assert_int_equal(p.nhosts, 1);
	assert_string_equal(p.hosts[0].domain.at.file, "a.toml");
	policy_free(&p);
	/* two blocks in one file are one block too */
	struct policy q = t_load("one.toml", "[[host]]\ndomain = \"x.example\"\nmethods = [\"GET\"]\n"
					     "[[host]]\ndomain = \"x.example\"\nmethods = [\"PUT\"]\n");
	assert_int_equal(q.nhosts, 1);
	assert_int_equal(q.hosts[0].methods.n, 2);
	policy_free(&q);
}

static void merge_host_methods_union(void **state)
{
	MERGE(host_a, host_b);
	assert_int_equal(p.hosts[0].methods.n, 2);
	assert_string_equal(p.hosts[0].methods.v[0].s, "GET");
	assert_string_equal(p.hosts[0].methods.v[1].s, "POST");
	policy_free(&p);
}

static void merge_host_paths_union(void **state)
{
	MERGE(host_a, host_b);
	assert_int_equal(p.hosts[0].paths.n, 2);
	assert_string_equal(p.hosts[0].paths.v[1].s, "/v2/*");
	policy_free(&p);
}

static void merge_host_content_types_union(void **state)
{
	MERGE(host_a, host_b);
	assert_int_equal(p.hosts[0].content_types.n, 2);
	assert_string_equal(p.hosts[0].content_types.v[1].s, "text/plain");
	policy_free(&p);
}

static void merge_host_max_request_bytes_max(void **state)
{
	MERGE(host_b, host_a);
	assert_int_equal(p.hosts[0].max_request_bytes.v, 100);
	policy_free(&p);
	t_merge2(&p, host_a, host_b);
	assert_int_equal(p.hosts[0].max_request_bytes.v, 100);
	policy_free(&p);
}

static void merge_host_allow_credentials_or(void **state)
{
	const char *with = "[[host]]\ndomain = \"api.example\"\nallow_credentials = true";
	const char *without = "[[host]]\ndomain = \"api.example\"\nallow_credentials = false";
	struct policy p;
	t_merge2(&p, with, without);
	assert_true(p.hosts[0].allow_credentials.v);
	policy_free(&p);
	t_merge2(&p, without, with);
	assert_true(p.hosts[0].allow_credentials.v);
	policy_free(&p);
	t_merge2(&p, without, host_a);
	assert_false(p.hosts[0].allow_credentials.v);
	policy_free(&p);
}

static void merge_host_websocket_or(void **state)
{
	const char *with = "[[host]]\ndomain = \"api.example\"\nwebsocket = true";
	const char *without = "[[host]]\ndomain = \"api.example\"\nwebsocket = false";
	struct policy p;
	t_merge2(&p, with, without);
	assert_true(p.hosts[0].websocket.v);
	policy_free(&p);
	t_merge2(&p, without, with);
	assert_true(p.hosts[0].websocket.v);
	policy_free(&p);
	t_merge2(&p, without, host_a);
	assert_false(p.hosts[0].websocket.v);
	policy_free(&p);
}

static void merge_host_contract_mode_last(void **state)
{
	MERGE(host_a, host_b);
	assert_string_equal(p.hosts[0].contract_mode.v, "relaxed");
	policy_free(&p);
	/* last SET wins: a later block without it does not erase it */
	t_merge2(&p, host_b, "[[host]]\ndomain = \"api.example\"\nmethods = [\"PUT\"]");
	assert_string_equal(p.hosts[0].contract_mode.v, "relaxed");
	policy_free(&p);
}

extern const struct CMUnitTest tests[];
extern const size_t ntests;

/* Every row of the merge table names a test that exists in this file. */
static void merge_table_rows_all_tested(void **state)
{
	for (size_t i = 0; i < schema_nfields; i++) {
		bool found = false;
		for (size_t j = 0; j < ntests && !found; j++)
			found = strcmp(tests[j].name, schema_fields[i].merge_test) == 0;
		if (!found)
			fail_msg("merge row %s.%s names test %s, which does not exist",
				 schema_fields[i].section, schema_fields[i].key, schema_fields[i].merge_test);
	}
}

#define T(name) cmocka_unit_test(name)
const struct CMUnitTest tests[] = {
	T(merge_strict_or), T(merge_recipe_name_last), T(merge_recipe_description_last),
	T(merge_recipe_version_last), T(merge_recipe_match_prefix_union), T(merge_fs_allow_union),
	T(merge_fs_allow_write_union), T(merge_fs_deny_beats_allow), T(merge_fs_mask_union),
	T(merge_net_egress_last), T(merge_net_allow_ips_union), T(merge_net_allow_host_loopback_or),
	T(merge_net_contract_mode_last), T(merge_net_ports_union_last_per_port),
	T(merge_dlp_enabled_or), T(merge_dlp_canary_tokens_or), T(merge_dlp_decompress_or),
	T(merge_dlp_dns_entropy_threshold_min), T(merge_dlp_max_decode_depth_max),
	T(merge_dlp_session_entropy_budget_min), T(merge_proc_allow_execve_union),
	T(merge_proc_env_passthrough_union), T(merge_proc_max_pids_max),
	T(merge_proc_env_last_per_name), T(merge_proxy_max_buffered_body_bytes_max),
	T(merge_proxy_max_streamed_body_bytes_max), T(merge_proxy_upstream_request_timeout_ms_max),
	T(merge_proxy_upstream_scheme_last), T(merge_res_cpu_percent_max), T(merge_res_memory_mb_max),
	T(merge_sys_allow_union), T(merge_sys_deny_beats_allow_extra), T(merge_sys_deny_union),
	T(merge_sys_deny_extra_union), T(merge_sys_notifier_or), T(merge_sys_seccomp_mode_last),
	T(merge_hosts_distinct_kept), T(merge_host_same_domain_one_block), T(merge_host_methods_union),
	T(merge_host_paths_union), T(merge_host_content_types_union),
	T(merge_host_max_request_bytes_max), T(merge_host_contract_mode_last),
	T(merge_host_allow_credentials_or), T(merge_host_websocket_or),
	T(merge_table_rows_all_tested),
};

const size_t ntests = sizeof(tests) / sizeof(tests[0]);

int main(void)
{
	return cmocka_run_group_tests_name("merge", tests, NULL, NULL);
}
