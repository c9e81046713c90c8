/* Every schema error: the exact message and its file:line:col. Each case is
 * a recipe and the complete diagnostic output it must produce; a failed
 * load must also leave an empty policy (never a partial one). */
#include "recipe_test.h"

struct ecase {
	const char *name;
	const char *toml;
	const char *want; /* every diagnostic, as printed */
};

#define E "t.toml:"
static const struct ecase cases[] = {
	/* unknown names, with suggestions */
	{ "unknown_section_suggests", "[filesytem]\nallow = []\n",
	  E "1:2: error: unknown section [filesytem]; did you mean [filesystem]?\n" },
	{ "unknown_section_no_suggestion", "[zzz]\n",
	  E "1:2: error: unknown section [zzz]\n" },
	{ "unknown_subsection", "[network.dlpp]\nenabled = true\n",
	  E "1:10: error: unknown section [network.dlpp]; did you mean [network.dlp]?\n" },
	{ "unknown_key_suggests", "[filesystem]\nalow = [\"/x\"]\n",
	  E "2:1: error: unknown key 'alow' in [filesystem]; did you mean 'allow'?\n" },
	{ "unknown_key_top_level", "stict = true\n",
	  E "1:1: error: unknown key 'stict' at top level; did you mean 'strict'?\n" },
	{ "unknown_key_host", "[[host]]\ndomain = \"a.example\"\nmethod = [\"GET\"]\n",
	  E "3:1: error: unknown key 'method' in [[host]]; did you mean 'methods'?\n" },
	{ "unknown_key_dotted", "network.egres = \"none\"\n",
	  E "1:9: error: unknown key 'egres' in [network]; did you mean 'egress'?\n" },
	{ "host_as_table", "[host]\ndomain = \"a.example\"\n",
	  E "1:2: error: 'host' must be written as [[host]] blocks (an array of tables), found table\n" },
	{ "key_in_wrong_section", "[resources]\nmax_pids = 10\n",
	  E "2:1: error: unknown key 'max_pids' in [resources]; 'max_pids' belongs in [process]\n" },
	{ "host_key_outside_host", "[network]\nmethods = [\"GET\"]\n",
	  E "2:1: error: unknown key 'methods' in [network]; 'methods' belongs in [[host]]\n" },
	/* older spellings */
	{ "legacy_deny_all", "[network]\ndeny_all = true\n",
	  E "2:1: error: unknown key 'deny_all' in [network]: an older spelling; today write egress = \"none\"\n" },
	{ "legacy_allowed_domains", "[network]\nallowed_domains = [\"a.example\", \"b.example\"]\n",
	  E "2:1: error: unknown key 'allowed_domains' in [network]: an older spelling; today write these blocks, after the other tables:\n"
	    "    [[host]]\n    domain = \"a.example\"\n\n    [[host]]\n    domain = \"b.example\"\n" },
	{ "legacy_allowed_paths", "[filesystem]\nallowed_paths = [\"/x\"]\n",
	  E "2:1: error: unknown key 'allowed_paths' in [filesystem]: an older spelling; today write allow = [\"/x\"]\n" },
	/* the full corrected line, built from what was written (issue 15) */
	{ "legacy_deny_all_beside_domains", "[network]\nallow_domains = [\"a.example\"]\ndeny_all = true\n",
	  E "2:1: warning: 'allow_domains' in [network] is Canister's older spelling; it is loaded as "
	    "[[host]] blocks with the relaxed contract. Write instead:\n    [[host]]\n"
	    "    domain = \"a.example\"\n    contract_mode = \"relaxed\"\n"
	  E "3:1: error: unknown key 'deny_all' in [network]: an older spelling; today write egress = \"proxy-only\"\n" },
	{ "legacy_deny_all_false", "[network]\ndeny_all = false\n",
	  E "2:1: error: unknown key 'deny_all' in [network]: an older spelling; today write egress = \"direct\"\n" },
	{ "legacy_rename_keeps_value", "[process]\npids_max = 32\n",
	  E "2:1: error: unknown key 'pids_max' in [process]: an older spelling; today write max_pids = 32\n" },
	{ "legacy_rename_quotes", "[filesystem]\nwritable = [\"/a \\\"b\\\"\"]\n",
	  E "2:1: error: unknown key 'writable' in [filesystem]: an older spelling; today write allow_write = [\"/a \\\"b\\\"\"]\n" },
	{ "legacy_env_table", "[env]\nLANG = \"C\"\n\"A.B\" = \"x\"\n",
	  E "1:2: error: unknown section [env]: an older spelling; today write env = { LANG = \"C\", \"A.B\" = \"x\" } in [process]\n" },
	{ "legacy_strict_mode", "strict_mode = true\n",
	  E "1:1: error: unknown key 'strict_mode' at top level: an older spelling; today write strict = true\n" },
	{ "legacy_canister_baseline", "[recipe]\nbaseline = \"node\"\n",
	  E "2:1: error: unknown key 'baseline' in [recipe]: an older spelling; today write nothing: delete the line; can has one syscall baseline (the built-in default), and a tool's extra calls go in [syscalls] allow_extra\n" },
	{ "legacy_canister_profile", "[profile]\nname = \"node\"\n",
	  E "1:2: error: unknown section [profile]: an older spelling; today write nothing: delete the [profile] table; can has one syscall baseline (the built-in default), the name goes in [recipe] name\n" },
	/* always-refused syscalls are a load error, and the way out is not
	 * --allow-degraded=seccomp (issue 12, ADR 0165) */
	{ "allow_extra_always_refused", "[syscalls]\nallow_extra = [\"mlock\", \"ptrace\"]\n",
	  E "2:25: error: 'allow_extra' in [syscalls]: 'ptrace' is always refused: it reads and writes "
	    "other processes' memory and registers; no recipe can allow it (see docs/seccomp.md and "
	    "docs/adr/0165-ptrace-stays-refused.md)\n" },
	{ "allow_extra_io_uring", "[syscalls]\nallow_extra = [\"io_uring_setup\"]\n",
	  E "2:16: error: 'allow_extra' in [syscalls]: 'io_uring_setup' is always refused: io_uring "
	    "performs I/O that seccomp never sees; no recipe can allow it (see docs/seccomp.md and "
	    "docs/adr/0165-ptrace-stays-refused.md)\n" },
	{ "allow_domains_bad_entry", "[network]\nallow_domains = [\"a.example\", 3]\n",
	  E "2:31: error: 'allow_domains' in [network]: expected array of strings, found integer in the array\n" },
	{ "legacy_dlp_section", "[dlp]\nenabled = true\n",
	  E "1:2: error: unknown section [dlp]: an older spelling; today write [network.dlp]\n" },
	/* types */
	{ "type_bool", "strict = 1\n",
	  E "1:10: error: 'strict' at top level: expected boolean, found integer\n" },
	{ "type_list_scalar", "[filesystem]\nallow = 3\n",
	  E "2:9: error: 'allow' in [filesystem]: expected array of strings, found integer\n" },
	{ "type_list_element", "[filesystem]\nallow = [\"/a\", true]\n",
	  E "2:16: error: 'allow' in [filesystem]: expected array of strings, found boolean in the array\n" },
	{ "type_int", "[process]\nmax_pids = \"10\"\n",
	  E "2:12: error: 'max_pids' in [process]: expected integer, found string\n" },
	{ "type_float", "[network.dlp]\ndns_entropy_threshold = \"x\"\n",
	  E "2:25: error: 'dns_entropy_threshold' in [network.dlp]: expected number, found string\n" },
	{ "type_string", "[recipe]\nname = [\"x\"]\n",
	  E "2:8: error: 'name' in [recipe]: expected string, found array\n" },
	{ "type_section", "filesystem = 1\n",
	  E "1:1: error: [filesystem] must be a table, found integer\n" },
	{ "type_env", "[process]\nenv = [\"A=1\"]\n",
	  E "2:7: error: 'env' in [process]: expected table of strings, found array\n" },
	{ "type_env_value", "[process.env]\nA = 1\n",
	  E "2:5: error: 'env' in [process]: A: expected string, found integer\n" },
	{ "env_bad_name", "[process.env]\n\"A-B\" = \"1\"\n",
	  E "2:1: error: 'env' in [process]: 'A-B' is not an environment variable name\n" },
	{ "env_passthrough_bad_name", "[process]\nenv_passthrough = [\"1A\"]\n",
	  E "2:20: error: 'env_passthrough' in [process]: '1A' is not an environment variable name\n" },
	/* ranges and enums */
	{ "int_range", "[resources]\nmemory_mb = -1\n",
	  E "2:13: error: 'memory_mb' in [resources]: -1 is out of range (1 to 1073741824)\n" },
	{ "float_range", "[network.dlp]\ndns_entropy_threshold = 1.5\n",
	  E "2:25: error: 'dns_entropy_threshold' in [network.dlp]: 1.5 is out of range (0 to 1)\n" },
	{ "float_nan", "[network.dlp]\ndns_entropy_threshold = nan\n",
	  E "2:25: error: 'dns_entropy_threshold' in [network.dlp]: nan is out of range (0 to 1)\n" },
	{ "enum_unknown", "[network]\negress = \"open\"\n",
	  E "2:10: error: 'egress' in [network]: unknown value 'open'; expected one of \"none\", \"proxy-only\", \"direct\"\n" },
	{ "enum_near", "[network]\negress = \"proxy_only\"\n",
	  E "2:10: error: 'egress' in [network]: unknown value 'proxy_only'; did you mean \"proxy-only\"? (one of \"none\", \"proxy-only\", \"direct\")\n" },
	{ "enum_seccomp_mode", "[syscalls]\nseccomp_mode = \"allowlist\"\n",
	  E "2:16: error: 'seccomp_mode' in [syscalls]: unknown value 'allowlist'; did you mean \"allow-list\"? (one of \"allow-list\", \"deny-list\")\n" },
	/* paths and variables */
	{ "relative_path", "[filesystem]\nallow = [\"usr/lib\"]\n",
	  E "2:10: error: 'allow' in [filesystem]: 'usr/lib' is a relative path; paths must be absolute (start with /, ~/ or a variable such as $HOME)\n" },
	{ "dotdot_path", "[filesystem]\ndeny = [\"/a/../etc\"]\n",
	  E "2:9: error: 'deny' in [filesystem]: '/a/../etc' contains a '..' component; write the path without it\n" },
	/* (any other variable may begin a path: it is looked up when the
	 * recipe is used, test_expand's expand_host_variables, ADR 0164) */
	{ "host_variable_not_first", "[filesystem]\nallow_write = [\"/opt/$GOPATH\"]\n",
	  E "2:16: error: 'allow_write' in [filesystem]: $GOPATH may only begin a path (a variable other than $HOME, $USER, $CWD and ${XDG_*} is a prefix: $GOPATH/...)\n" },
	{ "host_variable_in_env_value", "[process.env]\nX = \"$GOPATH/bin\"\n",
	  E "2:5: error: 'env' in [process]: X: unknown variable $GOPATH (known: $HOME, $USER, $CWD, ${XDG_CONFIG_HOME}, ${XDG_CACHE_HOME}, ${XDG_DATA_HOME}, ${XDG_STATE_HOME}, ${XDG_RUNTIME_DIR})\n" },
	{ "unterminated_brace", "[filesystem]\nallow = [\"${HOME/x\"]\n",
	  E "2:10: error: 'allow' in [filesystem]: unterminated ${...} after 'HOME' (write $$ for a literal $)\n" },
	{ "env_value_variable", "[process.env]\nX = \"$HOMER\"\n",
	  E "2:5: error: 'env' in [process]: X: unknown variable $HOMER; did you mean $HOME?\n" },
	{ "nul_in_string", "[recipe]\nname = \"a\\u0000b\"\n",
	  E "2:8: error: 'name' in [recipe]: string contains a NUL character\n" },
	/* syscalls */
	{ "syscall_unknown", "[syscalls]\nallow_extra = [\"opne\"]\n",
	  E "2:16: error: 'allow_extra' in [syscalls]: unknown syscall 'opne'; did you mean 'open'?\n" },
	{ "syscall_unknown_far", "[syscalls]\ndeny_extra = [\"frobnicate\"]\n",
	  E "2:15: error: 'deny_extra' in [syscalls]: unknown syscall 'frobnicate' (not known to libseccomp)\n" },
	/* network */
	{ "ip_bad", "[network]\nallow_ips = [\"10.0.0.0/33\"]\n",
	  E "2:14: error: 'allow_ips' in [network]: '10.0.0.0/33' is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1)\n" },
	{ "port_range", "[network]\nports = [{ host = 70000, sandbox = 80 }]\n",
	  E "2:19: error: 'ports' in [network]: 'host' = 70000 is not a port (1 to 65535)\n" },
	{ "port_missing", "[network]\nports = [{ host = 80 }]\n",
	  E "2:10: error: 'ports' in [network]: a rule needs both 'host' and 'sandbox'\n" },
	{ "port_protocol", "[network]\nports = [{ host = 80, sandbox = 80, protocol = \"sctp\" }]\n",
	  E "2:48: error: 'ports' in [network]: unknown protocol 'sctp'; expected one of \"tcp\", \"udp\"\n" },
	{ "port_unknown_key", "[network]\nports = [{ host = 80, sandbox = 80, protcol = \"tcp\" }]\n",
	  E "2:37: error: 'ports' in [network]: unknown key 'protcol'; did you mean 'protocol'?\n" },
	{ "ports_not_tables", "[network]\nports = [8080]\n",
	  E "2:10: error: 'ports' in [network]: expected array of inline tables, found integer in the array\n" },
	/* [[host]] */
	{ "host_no_domain", "[[host]]\nmethods = [\"GET\"]\n",
	  E "1:1: error: [[host]] block without 'domain'\n" },
	{ "domain_upper", "[[host]]\ndomain = \"Api.Example.com\"\n",
	  E "2:10: error: 'domain' in [[host]]: domain 'Api.Example.com' must be lower case; did you mean 'api.example.com'?\n" },
	{ "domain_bad_label", "[[host]]\ndomain = \"a..example\"\n",
	  E "2:10: error: 'domain' in [[host]]: domain 'a..example' is not a valid host name (letters, digits and '-' in dot-separated labels, or '*.' followed by one)\n" },
	{ "domain_bad_wildcard", "[[host]]\ndomain = \"api.*.example\"\n",
	  E "2:10: error: 'domain' in [[host]]: domain 'api.*.example' is not a valid host name (letters, digits and '-' in dot-separated labels, or '*.' followed by one)\n" },
	{ "domain_partial_wildcard", "[[host]]\ndomain = \"*api.example\"\n",
	  E "2:10: error: 'domain' in [[host]]: domain '*api.example': a wildcard must be a whole first label, as in '*.example.com'\n" },
	{ "domain_ip", "[[host]]\ndomain = \"10.1.2.3\"\n",
	  E "2:10: error: 'domain' in [[host]]: domain '10.1.2.3' is an IP address; put addresses in [network] allow_ips\n" },
	{ "domain_hyphen", "[[host]]\ndomain = \"-a.example\"\n",
	  E "2:10: error: 'domain' in [[host]]: domain '-a.example' is not a valid host name (letters, digits and '-' in dot-separated labels, or '*.' followed by one)\n" },
	{ "method_case", "[[host]]\ndomain = \"a.example\"\nmethods = [\"post\"]\n",
	  E "3:12: error: 'methods' in [[host]]: unknown HTTP method 'post'; did you mean 'POST'?\n" },
	{ "method_unknown", "[[host]]\ndomain = \"a.example\"\nmethods = [\"FETCH\"]\n",
	  E "3:12: error: 'methods' in [[host]]: unknown HTTP method 'FETCH'; expected one of GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, CONNECT, TRACE\n" },
	{ "glob_relative", "[[host]]\ndomain = \"a.example\"\npaths = [\"v1/*\"]\n",
	  E "3:10: error: 'paths' in [[host]]: path glob 'v1/*' must start with '/'\n" },
	{ "content_type_bad", "[[host]]\ndomain = \"a.example\"\ncontent_types = [\"json\"]\n",
	  E "3:18: error: 'content_types' in [[host]]: 'json' is not a content type (type/subtype, e.g. application/json)\n" },
	{ "host_contract_enum", "[[host]]\ndomain = \"a.example\"\ncontract_mode = \"lax\"\n",
	  E "3:17: error: 'contract_mode' in [[host]]: unknown value 'lax'; expected one of \"strict\", \"relaxed\"\n" },
	/* default.toml only, and mutual exclusion */
	{ "absolute_allow_refused", "[syscalls]\nallow = [\"read\"]\n",
	  E "2:1: error: 'allow' in [syscalls] is only valid in the built-in default.toml; use 'allow_extra' to add to it\n" },
	{ "absolute_deny_refused", "[syscalls]\ndeny = [\"ptrace\"]\n",
	  E "2:1: error: 'deny' in [syscalls] is only valid in the built-in default.toml; use 'deny_extra' to add to it\n" },
	{ "absolute_with_extra_one_error", "[syscalls]\nallow = [\"read\"]\nallow_extra = [\"write\"]\n",
	  E "2:1: error: 'allow' in [syscalls] is only valid in the built-in default.toml; use 'allow_extra' to add to it\n" },
	/* every error, not just the first */
	{ "all_errors_reported",
	  "strict = \"yes\"\n[filesystem]\nallow = [\"rel\"]\n[network]\negress = \"all\"\n[bogus]\n",
	  E "1:10: error: 'strict' at top level: expected boolean, found string\n"
	  E "3:10: error: 'allow' in [filesystem]: 'rel' is a relative path; paths must be absolute (start with /, ~/ or a variable such as $HOME)\n"
	  E "5:10: error: 'egress' in [network]: unknown value 'all'; expected one of \"none\", \"proxy-only\", \"direct\"\n"
	  E "6:2: error: unknown section [bogus]\n" },
};

static void run_case(void **state)
{
	const struct ecase *c = *state;
	struct policy p;
	struct diags d = { 0 };
	int rc = recipe_load_buffer("t.toml", c->toml, strlen(c->toml), &p, &d);
	char *got = t_diags_text(&d);
	assert_int_equal(rc, CAN_EXIT_USAGE);
	assert_string_equal(got, c->want);
	/* never a partial policy */
	struct policy empty;
	policy_init(&empty);
	assert_memory_equal(&p, &empty, sizeof(p));
	free(got);
	diags_free(&d);
}

/* allow_extra next to allow in one file (only possible in a file allowed
 * the absolute lists, i.e. the built-in default). */
static void extra_with_absolute(void **state)
{
	const char *t = "[syscalls]\nallow = [\"read\"]\nallow_extra = [\"write\"]\n"
			"deny = [\"bpf\"]\ndeny_extra = [\"kcmp\"]\n";
	struct policy p;
	struct diags d = { 0 };
	int rc = recipe_load_buffer_flags("t.toml", t, strlen(t), RL_ALLOW_ABSOLUTE_SYSCALLS, &p, &d);
	char *got = t_diags_text(&d);
	assert_int_equal(rc, CAN_EXIT_USAGE);
	assert_string_equal(got,
		E "3:1: error: 'allow_extra' in [syscalls] cannot be used with 'allow' in the same file ('allow' is already the complete list)\n"
		E "5:1: error: 'deny_extra' in [syscalls] cannot be used with 'deny' in the same file ('deny' is already the complete list)\n");
	free(got);
	diags_free(&d);
}

static void too_large(void **state)
{
	size_t n = RECIPE_MAX_BYTES + 1;
	char *big = malloc(n);
	memset(big, '#', n);
	struct policy p;
	struct diags d = { 0 };
	assert_int_equal(recipe_load_buffer("big.toml", big, n, &p, &d), CAN_EXIT_USAGE);
	char *got = t_diags_text(&d);
	assert_string_equal(got, "big.toml: error: recipe is 1048577 bytes, more than the 1048576 a recipe may have\n");
	free(got);
	free(big);
	diags_free(&d);
}

static void parse_error_passes_through(void **state)
{
	const char *t = "[filesystem]\nallow = [\"/a\"\n";
	struct policy p;
	struct diags d = { 0 };
	assert_int_equal(recipe_load_buffer("t.toml", t, strlen(t), &p, &d), CAN_EXIT_USAGE);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].at.file, "t.toml");
	assert_true(d.v[0].at.line >= 2);
	diags_free(&d);
}

static void valid_recipe_loads(void **state)
{
	const char *t = "strict = true\n[filesystem]\nallow = [\"~/x\", \"$HOME/y\", \"/z\"]\n"
			"[[host]]\ndomain = \"*.example.com\"\nmethods = [\"GET\"]\n";
	struct policy p = t_load("ok.toml", t);
	assert_true(p.strict.v);
	assert_int_equal(p.strict.at.line, 1);
	assert_int_equal(p.strict.at.col, 10);
	assert_int_equal(p.fs.allow.n, 3);
	assert_int_equal(p.fs.allow.v[2].at.line, 3);
	assert_int_equal(p.fs.allow.v[2].at.col, 28);
	assert_int_equal(p.nhosts, 1);
	assert_int_equal(p.hosts[0].at.line, 4);
	policy_free(&p);
	/* denying an always-refused call again is fine (control for
	 * allow_extra_always_refused) */
	p = t_load("deny.toml", "[syscalls]\ndeny_extra = [\"ptrace\"]\nallow_extra = [\"mlock\"]\n");
	assert_int_equal(p.sys.deny_extra.n, 1);
	policy_free(&p);
}

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	struct CMUnitTest *t = calloc(n + 4, sizeof(*t));
	for (size_t i = 0; i < n; i++)
		t[i] = (struct CMUnitTest){ .name = cases[i].name, .test_func = run_case,
					    .initial_state = (void *)&cases[i] };
	t[n] = (struct CMUnitTest)cmocka_unit_test(extra_with_absolute);
	t[n + 1] = (struct CMUnitTest)cmocka_unit_test(too_large);
	t[n + 2] = (struct CMUnitTest)cmocka_unit_test(parse_error_passes_through);
	t[n + 3] = (struct CMUnitTest)cmocka_unit_test(valid_recipe_loads);
	int rc = _cmocka_run_group_tests("recipe_errors", t, n + 4, NULL, NULL);
	free(t);
	return rc;
}
