/* Where a request may go: the proxy's pure decisions, taken before any DNS
 * lookup (egress_parse_*, egress_decide_dest), on the resolved addresses
 * (egress_vet_addr), and on a request's shape against its [[host]]
 * contract (egress_decide_request). Each refusal says what was refused,
 * by which rule (recipe file:line) and the TOML that would allow it.
 * No syscalls: test/test_proxy_egress.c covers every rule. */
#ifndef CAN_PROXY_EGRESS_H
#define CAN_PROXY_EGRESS_H

#include "lang/policy.h"
#include "proxy/addr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The name that reaches the host's own loopback when [network]
 * allow_host_loopback = true. */
#define EGRESS_HOST_LOOPBACK "host.canister.local"

/* A destination as the client named it, normalised: lower case, one
 * trailing dot dropped, IPv6 without brackets. */
struct egress_target {
	char host[256];
	int port;
	bool is_ip;        /* host is an IP literal (then ip holds it) */
	struct ip16 ip;
	char path[2048];   /* absolute-form only: path and query ("/" at least) */
};

/* Parses "host:port" (CONNECT's authority-form; the port is required). */
bool egress_parse_authority(const char *s, size_t n, struct egress_target *t, char *why,
			    size_t whylen);
/* Parses "http://host[:port]/path" (absolute-form; port 80 by default).
 * https:// and other schemes are refused: a client speaks TLS through
 * CONNECT. */
bool egress_parse_absolute(const char *s, size_t n, struct egress_target *t, char *why,
			   size_t whylen);
/* Does a Host field value name the same host and port as t? */
bool egress_host_matches(const struct egress_target *t, const char *host, size_t n,
			 int default_port);

enum egress_verdict { EGRESS_ALLOW, EGRESS_REFUSE };

struct egress_decision {
	enum egress_verdict verdict;
	int status;              /* 403, 405, 413, 415 for refusals */
	const char *error;       /* x-canister-error: "policy-blocked", "contract-refused", ... */
	char what[320];          /* what was refused: "CONNECT evil.example:443" */
	char reason[512];        /* why, naming the rule and where it is */
	char patch[512];         /* TOML that allows it ("" when nothing can) */
	const struct host_rule *rule; /* the [[host]] block that matched, if any */
	bool relaxed;            /* allowed only because a mode is "relaxed": log it */
	bool host_loopback;      /* host.canister.local: dial 127.0.0.1 */
};

/* The [[host]] block for a name: an exact domain first, then the longest
 * "*.suffix" that the name continues (a.example.com, not example.com). */
const struct host_rule *egress_find_host(const struct policy *p, const char *host);

/* Before any lookup: may this target be reached at all? connect = CONNECT
 * (port 443 expected) or plain http (port 80). Names need a [[host]] block
 * (or [network] contract_mode = "relaxed"); IP literals need allow_ips;
 * another port is only for addresses allow_ips lists (every port of an
 * address it lists: the schema's entries carry no port). */
void egress_decide_dest(const struct policy *p, const struct egress_target *t, bool connect,
			struct egress_decision *d);

/* After the lookup, for each address: internal ranges, and ports other
 * than 443/80, only when allow_ips covers the address. */
void egress_vet_addr(const struct policy *p, const struct egress_target *t, bool connect,
		     const struct ip16 *a, struct egress_decision *d);

/* A request's shape against its contract: method, path (globs: '*' within
 * one segment, '**' across them), content type (of a request with a
 * body), size (Content-Length against max_request_bytes). */
struct egress_request {
	const char *method;
	const char *path;
	const char *content_type;  /* NULL when absent */
	uint64_t body_bytes;       /* the declared length; 0 when none or chunked */
	/* checks not to make: monitor mode (ADR 0204) asks again after each
	 * recorded refusal, so that every rule the request breaks is named */
	unsigned skip;             /* EGRESS_SKIP_* */
};
#define EGRESS_SKIP_METHOD 1u
#define EGRESS_SKIP_PATH 2u
#define EGRESS_SKIP_TYPE 4u
#define EGRESS_SKIP_SIZE 8u
void egress_decide_request(const struct policy *p, const struct egress_target *t,
			   const struct egress_request *r, struct egress_decision *d);

/* Glob match for [[host]] paths (exported for tests). */
bool egress_path_glob(const char *glob, const char *path);

#endif
