/* The recipe field table (see schema.h). Field names, types and enums follow
 * the schema reference (seed 003) exactly, plus [[host]] contracts. */
#include "lang/schema.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define P(member) offsetof(struct policy, member)
#define H(member) offsetof(struct host_rule, member)
#define BIG INT64_C(1) << 50 /* limits above this are typos, not intentions */

static const char *const egress_v[] = { "none", "proxy-only", "direct", NULL };
static const char *const contract_v[] = { "strict", "relaxed", NULL };
static const char *const scheme_v[] = { "http", "h2c", NULL };
static const char *const scmode_v[] = { "allow-list", "deny-list", NULL };

const struct section_doc schema_sections[] = {
	{ "", "Fields outside any section. They must come before the first [section] header." },
	{ "recipe", "Metadata section for recipe files." },
	{ "filesystem", "What the sandbox sees of the host's files. `deny` always beats `allow` and "
			"`allow_write`, whichever recipe either came from." },
	{ "network", "Egress: how the sandbox reaches the network." },
	{ "network.dlp", "Data Loss Prevention configuration for the egress proxy." },
	{ "process", "The sandboxed process: what it may run and which environment it gets." },
	{ "proxy", "Limits of the egress proxy." },
	{ "resources", "cgroup v2 limits." },
	{ "syscalls", "Syscall customization. `deny` and `deny_extra` always beat `allow` and "
		      "`allow_extra`, whichever recipe either came from." },
	{ "host", "`[[host]]`: per-destination egress contracts, one block per domain. Blocks with "
		  "the same `domain` (from one or several recipes) merge into one: lists union, "
		  "`max_request_bytes` max, `contract_mode` last-set wins, `allow_credentials` and "
		  "`websocket` true if any says true." },
};
const size_t schema_nsections = sizeof(schema_sections) / sizeof(schema_sections[0]);

const struct field schema_fields[] = {
	{ "", "strict", FT_BOOL, NULL, P(strict), MR_OR, 0, 0, 0, 0, 0, "false",
	  "Strict mode: fail hard instead of degrading gracefully.",
	  "tightens: any layer can turn it on, none can turn it off", "merge_strict_or" },

	{ "recipe", "name", FT_STRING, NULL, P(recipe.name), MR_LAST, 0, 0, 0, 0, 0, "file name stem",
	  "Human-readable recipe name. Defaults to the filename stem when omitted.",
	  "metadata of the last layer", "merge_recipe_name_last" },
	{ "recipe", "description", FT_STRING, NULL, P(recipe.description), MR_LAST, 0, 0, 0, 0, 0, "",
	  "One-line description of what this recipe is for.", "metadata of the last layer",
	  "merge_recipe_description_last" },
	{ "recipe", "version", FT_STRING, NULL, P(recipe.version), MR_LAST, 0, 0, 0, 0, 0, "",
	  "Opaque version string (for humans, not parsed).", "metadata of the last layer",
	  "merge_recipe_version_last" },
	{ "recipe", "match_prefix", FT_PATHS, NULL, P(recipe.match_prefix), MR_UNION,
	  F_VARS | F_ABSOLUTE, 0, 0, 0, 0, "[]",
	  "Path prefixes that trigger auto-detection of this recipe: when the resolved path of "
	  "the command starts with one of them (a plain string prefix), `can run` adds this "
	  "recipe.",
	  "every layer's prefixes", "merge_recipe_match_prefix_union" },

	{ "filesystem", "allow", FT_PATHS, NULL, P(fs.allow), MR_UNION, F_VARS | F_ABSOLUTE, 0, 0, 0, 0,
	  "[]", "Paths the sandboxed process is allowed to access (read-only).",
	  "a path any layer allows is allowed (unless denied)", "merge_fs_allow_union" },
	{ "filesystem", "allow_write", FT_PATHS, NULL, P(fs.allow_write), MR_UNION, F_VARS | F_ABSOLUTE,
	  0, 0, 0, 0, "[]", "Paths bind-mounted writable into the sandbox.",
	  "a path any layer makes writable is writable (unless denied)",
	  "merge_fs_allow_write_union" },
	{ "filesystem", "deny", FT_PATHS, NULL, P(fs.deny), MR_UNION, F_VARS | F_ABSOLUTE, 0, 0, 0, 0,
	  "[]", "Paths explicitly denied (checked before allow and allow_write).",
	  "union; a denied path stays denied whatever any layer allows",
	  "merge_fs_deny_beats_allow" },
	{ "filesystem", "mask", FT_PATHS, NULL, P(fs.mask), MR_UNION, F_VARS | F_ABSOLUTE, 0, 0, 0, 0,
	  "[]", "Paths to mask inside the sandbox (bind /dev/null over them).",
	  "a path any layer masks is masked", "merge_fs_mask_union" },

	{ "network", "egress", FT_ENUM, egress_v, P(net.egress), MR_LAST, 0, 0, 0, 0, 0, "\"none\"",
	  "How the sandbox reaches the network: \"none\" (no network), \"proxy-only\" (only "
	  "through the egress proxy), \"direct\" (an unfiltered uplink through pasta, a loud "
	  "opt-out: no proxy and no DNS stub, any TCP port, the host's loopback not reachable; "
	  "126 when pasta is not installed or fails to start).",
	  "scalar mode: last layer that sets it wins", "merge_net_egress_last" },
	{ "network", "allow_ips", FT_IPS, NULL, P(net.allow_ips), MR_UNION, 0, 0, 0, 0, 0, "[]",
	  "Allowed IP addresses or CIDR ranges. IP-literal egress is a separate concept from FQDN "
	  "egress (no service identity, no per-route shape gates apply), so it stays here rather "
	  "than folding into the [[host]] table.",
	  "an address any layer allows is allowed", "merge_net_allow_ips_union" },
	{ "network", "allow_host_loopback", FT_BOOL, NULL, P(net.allow_host_loopback), MR_OR, 0, 0, 0,
	  0, 0, "false",
	  "Allow the sandbox to reach host loopback services through the egress proxy via the "
	  "magic alias host.canister.local.",
	  "a grant, like a list entry: true if any layer grants it", "merge_net_allow_host_loopback_or" },
	{ "network", "contract_mode", FT_ENUM, contract_v, P(net.contract_mode), MR_LAST, 0, 0, 0, 0,
	  0, "\"strict\"", "Mode for hosts that have no matching [[host]] entry.",
	  "scalar mode: last layer that sets it wins", "merge_net_contract_mode_last" },
	{ "network", "ports", FT_PORTS, NULL, P(net.ports), MR_PORTS, 0, 0, 0, 0, 0, "[]",
	  "Port forwarding rules: map host ports to sandbox ports, as inline tables "
	  "`{ host = 8080, sandbox = 80, protocol = \"tcp\" }` (protocol \"tcp\" or \"udp\", "
	  "default \"tcp\").",
	  "union; the same host port and protocol: last layer's mapping wins",
	  "merge_net_ports_union_last_per_port" },

	{ "network.dlp", "enabled", FT_BOOL, NULL, P(net.dlp.enabled), MR_OR, 0, 0, 0, 0, 0,
	  "true behind the egress proxy",
	  "Enable DLP scanning of what goes out through the egress proxy (egress = \"proxy-only\"). "
	  "On unless the merged policy says false; always on under --strict.",
	  "tightens: any layer can turn it on, none can turn it off", "merge_dlp_enabled_or" },
	{ "network.dlp", "canary_tokens", FT_BOOL, NULL, P(net.dlp.canary_tokens), MR_OR, 0, 0, 0, 0,
	  0, "false (opt in: fake credentials in the environment change what some tools do)",
	  "Plant canary tokens (fake credentials) in the sandbox environment and as fake "
	  "~/.aws/credentials, ~/.npmrc and ~/.config/gh/hosts.yml where the real ones are hidden; "
	  "a request or response carrying one is refused and reported as an exfiltration attempt.",
	  "tightens: true if any layer says true", "merge_dlp_canary_tokens_or" },
	{ "network.dlp", "decompress", FT_BOOL, NULL, P(net.dlp.decompress), MR_OR, 0, 0, 0, 0, 0,
	  "true", "Decompress request bodies (gzip/deflate/brotli) before scanning.",
	  "tightens: true if any layer says true", "merge_dlp_decompress_or" },
	{ "network.dlp", "dns_entropy_threshold", FT_FLOAT, NULL, P(net.dlp.dns_entropy_threshold),
	  MR_MIN, 0, 0, 0, 0.0, 1.0, "0.92",
	  "Normalised per-label entropy ratio for DNS exfiltration detection, in [0.0, 1.0]: a "
	  "label's Shannon entropy divided by log2(len); the name trips when two or more labels "
	  "exceed it.",
	  "lower is stricter: the smallest value wins", "merge_dlp_dns_entropy_threshold_min" },
	{ "network.dlp", "max_decode_depth", FT_INT, NULL, P(net.dlp.max_decode_depth), MR_MAX, 0, 0,
	  1024, 0, 0, "32",
	  "Maximum encoding chain recursion depth (base64, hex, percent-encoding).",
	  "deeper is stricter: the largest value wins", "merge_dlp_max_decode_depth_max" },
	{ "network.dlp", "session_entropy_budget", FT_INT, NULL, P(net.dlp.session_entropy_budget),
	  MR_MIN, 0, 0, BIG, 0, 0, "8192",
	  "Cumulative high-entropy bytes allowed per sandbox session before requests are blocked.",
	  "smaller is stricter: the smallest value wins", "merge_dlp_session_entropy_budget_min" },

	{ "process", "allow_execve", FT_PATHS, NULL, P(proc.allow_execve), MR_UNION,
	  F_VARS | F_ABSOLUTE, 0, 0, 0, 0, "[]", "Paths to executables the sandboxed process may exec.",
	  "a program any layer allows may run", "merge_proc_allow_execve_union" },
	{ "process", "env_passthrough", FT_ENVNAMES, NULL, P(proc.env_passthrough), MR_UNION, 0, 0, 0,
	  0, 0, "[]", "Environment variables to pass through from the host. All others are stripped.",
	  "a variable any layer passes through is passed", "merge_proc_env_passthrough_union" },
	{ "process", "max_pids", FT_INT, NULL, P(proc.max_pids), MR_MAX, 0, 1, 4194304, 0, 0, "",
	  "Maximum number of child PIDs allowed.",
	  "a limit: the largest value wins, so every layer's workload fits", "merge_proc_max_pids_max" },
	{ "process", "env", FT_ENV, NULL, P(proc.env), MR_ENV, F_VARS, 0, 0, 0, 0, "{}",
	  "Environment variables to set in the sandbox (a table NAME = \"value\"; variables in "
	  "values are expanded). These are evaluated after passthrough.",
	  "per variable: the last layer that sets it wins", "merge_proc_env_last_per_name" },

	{ "proxy", "max_buffered_body_bytes", FT_INT, NULL, P(proxy.max_buffered_body_bytes), MR_MAX, 0,
	  0, BIG, 0, 0, "8388608",
	  "Maximum bytes buffered for DLP body scanning via the full whole-buffer pipeline (decode "
	  "chains, decompression, unescape). Larger requests up to max_streamed_body_bytes are "
	  "scanned by the streaming path (regex only).",
	  "a byte limit: the largest value wins", "merge_proxy_max_buffered_body_bytes_max" },
	{ "proxy", "max_streamed_body_bytes", FT_INT, NULL, P(proxy.max_streamed_body_bytes), MR_MAX, 0,
	  0, BIG, 0, 0, "67108864",
	  "Hard upper bound on request body size. Beyond this, the proxy returns 413.",
	  "a byte limit: the largest value wins", "merge_proxy_max_streamed_body_bytes_max" },
	{ "proxy", "upstream_request_timeout_ms", FT_INT, NULL, P(proxy.upstream_request_timeout_ms),
	  MR_MAX, 0, 1, 86400000, 0, 0, "30000", "Upstream request total timeout in milliseconds.",
	  "a limit: the largest value wins", "merge_proxy_upstream_request_timeout_ms_max" },
	{ "proxy", "upstream_scheme", FT_ENUM, scheme_v, P(proxy.upstream_scheme), MR_LAST, 0, 0, 0, 0,
	  0, "inferred",
	  "Force the upstream request scheme: \"http\" or \"h2c\". When unset, the scheme is "
	  "inferred from the inbound request URI.",
	  "scalar mode: last layer that sets it wins", "merge_proxy_upstream_scheme_last" },

	{ "resources", "cpu_percent", FT_INT, NULL, P(res.cpu_percent), MR_MAX, 0, 1, 100000, 0, 0, "",
	  "CPU limit as a percentage (e.g., 50 = 50% of one core).", "a limit: the largest value wins",
	  "merge_res_cpu_percent_max" },
	{ "resources", "memory_mb", FT_INT, NULL, P(res.memory_mb), MR_MAX, 0, 1, 1 << 30, 0, 0, "",
	  "Memory limit in megabytes.", "a limit: the largest value wins", "merge_res_memory_mb_max" },

	{ "syscalls", "allow", FT_SYSCALLS, NULL, P(sys.allow), MR_UNION, F_DEFAULT_ONLY, 0, 0, 0, 0,
	  "[]",
	  "Absolute allow list: the complete set of permitted syscalls. Only valid in the built-in "
	  "default.toml. Mutually exclusive with allow_extra.",
	  "union (only the built-in default sets it)", "merge_sys_allow_union" },
	{ "syscalls", "allow_extra", FT_SYSCALLS, NULL, P(sys.allow_extra), MR_UNION, 0, 0, 0, 0, 0,
	  "[]", "Syscalls to add to the allow list (on top of the default baseline).",
	  "union; never beats a deny", "merge_sys_deny_beats_allow_extra" },
	{ "syscalls", "deny", FT_SYSCALLS, NULL, P(sys.deny), MR_UNION, F_DEFAULT_ONLY, 0, 0, 0, 0, "[]",
	  "Absolute deny list: syscalls always blocked. Only valid in the built-in default.toml. "
	  "Mutually exclusive with deny_extra.",
	  "union; beats every allow", "merge_sys_deny_union" },
	{ "syscalls", "deny_extra", FT_SYSCALLS, NULL, P(sys.deny_extra), MR_UNION, 0, 0, 0, 0, 0, "[]",
	  "Syscalls to add to the deny list (also removed from the allow list).",
	  "union; beats every allow", "merge_sys_deny_extra_union" },
	{ "syscalls", "notifier", FT_BOOL, NULL, P(sys.notifier), MR_OR, 0, 0, 0, 0, 0, "",
	  "Enable the SECCOMP_RET_USER_NOTIF supervisor for argument-level syscall filtering "
	  "(connect, clone, socket, execve).",
	  "tightens: true if any layer says true", "merge_sys_notifier_or" },
	{ "syscalls", "seccomp_mode", FT_ENUM, scmode_v, P(sys.seccomp_mode), MR_LAST, 0, 0, 0, 0, 0,
	  "\"allow-list\"", "Seccomp enforcement mode.", "scalar mode: last layer that sets it wins",
	  "merge_sys_seccomp_mode_last" },

	{ "", "host", FT_HOSTS, NULL, P(hosts), MR_HOSTS, 0, 0, 0, 0, 0, "[]",
	  "Per-destination egress contracts (`[[host]]` blocks, fields below).",
	  "blocks with different domains are all kept, in order; blocks with the same domain "
	  "merge field by field (rows below)", "merge_hosts_distinct_kept" },
	{ "host", "domain", FT_DOMAIN, NULL, H(domain), MR_KEY, 0, 0, 0, 0, 0, "(required)",
	  "The destination: an exact host name (`api.example.com`) or `*.suffix` for every name "
	  "under suffix. Lower case; IP addresses belong in [network] allow_ips.",
	  "the key: blocks with the same domain merge", "merge_host_same_domain_one_block" },
	{ "host", "methods", FT_METHODS, NULL, H(methods), MR_UNION, 0, 0, 0, 0, 0, "[] (any)",
	  "HTTP methods allowed (upper case). Empty: any.", "union per domain",
	  "merge_host_methods_union" },
	{ "host", "paths", FT_GLOBS, NULL, H(paths), MR_UNION, 0, 0, 0, 0, 0, "[] (any)",
	  "URL path globs allowed (`*` within a segment, `**` across segments), each starting with "
	  "`/`. Empty: any.",
	  "union per domain", "merge_host_paths_union" },
	{ "host", "content_types", FT_MEDIATYPES, NULL, H(content_types), MR_UNION, 0, 0, 0, 0, 0,
	  "[] (any)", "Request content types allowed (`type/subtype`). Empty: any.",
	  "union per domain", "merge_host_content_types_union" },
	{ "host", "max_request_bytes", FT_INT, NULL, H(max_request_bytes), MR_MAX, 0, 0, BIG, 0, 0,
	  "proxy limits", "Largest request body this destination may receive.",
	  "a byte limit: the largest value for the same domain wins",
	  "merge_host_max_request_bytes_max" },
	{ "host", "contract_mode", FT_ENUM, contract_v, H(contract_mode), MR_LAST, 0, 0, 0, 0, 0,
	  "[network] contract_mode",
	  "\"strict\": requests outside the contract are refused; \"relaxed\": they are logged.",
	  "last layer that sets it for the domain wins", "merge_host_contract_mode_last" },
	{ "host", "allow_credentials", FT_BOOL, NULL, H(allow_credentials), MR_OR, 0, 0, 0, 0, 0,
	  "false",
	  "DLP: a credential may be sent to this host when the host is the credential's home (an "
	  "npm token to the npm registry, a GitHub token to GitHub's API; a credential without a "
	  "home, such as a private key or a JWT, to any host that says so). Without it, every "
	  "credential the scanner finds is refused. See docs/dlp.md.",
	  "loosens: true if any layer says true for the domain", "merge_host_allow_credentials_or" },
	{ "host", "websocket", FT_BOOL, NULL, H(websocket), MR_OR, 0, 0, 0, 0, 0, "false",
	  "Allow WebSocket upgrades (`Upgrade: websocket`, a GET that passes `methods` and "
	  "`paths`) to this host, over wss:// inside the terminated TLS session or ws:// through "
	  "the proxy. After the origin's `101 Switching Protocols` the connection is a byte relay "
	  "both ways and its frames are not scanned by DLP. Without it an upgrade is refused 403; "
	  "other upgrades (h2c) are never relayed. See docs/proxy.md.",
	  "loosens: true if any layer says true for the domain", "merge_host_websocket_or" },
};
const size_t schema_nfields = sizeof(schema_fields) / sizeof(schema_fields[0]);

const struct field *schema_find(const char *section, const char *key)
{
	for (size_t i = 0; i < schema_nfields; i++)
		if (strcmp(schema_fields[i].section, section) == 0 &&
		    strcmp(schema_fields[i].key, key) == 0)
			return &schema_fields[i];
	return NULL;
}

const char *schema_type_name(const struct field *f)
{
	switch (f->type) {
	case FT_BOOL: return "boolean";
	case FT_INT: return "integer";
	case FT_FLOAT: return "number";
	case FT_STRING: return "string";
	case FT_ENUM: return "string";
	case FT_PATHS: case FT_SYSCALLS: case FT_IPS: case FT_ENVNAMES: case FT_METHODS:
	case FT_GLOBS: case FT_MEDIATYPES:
		return "array of strings";
	case FT_ENV: return "table of strings";
	case FT_PORTS: return "array of inline tables";
	case FT_HOSTS: return "array of tables";
	case FT_DOMAIN: return "string";
	}
	return "?";
}

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64) /* names are short; don't spend time on garbage */
		return la > lb ? la : lb;
	size_t d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

const char *did_you_mean(const char *word, const char *const *cands, size_t n)
{
	size_t len = strlen(word);
	size_t limit = len < 5 ? 1 : len < 9 ? 2 : 3;
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return bestd <= limit ? best : NULL;
}
