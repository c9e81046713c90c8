/* The request scan hook: where the DLP scanner (proxy/dlp/, issue 11)
 * plugs in. The proxy calls proxy_scan_request for a request's head before
 * it dials upstream, and for every piece of the body before that piece is
 * queued for upstream: nothing of a request leaves the sandbox that this
 * function has not passed. With [network.dlp] enabled, proxy_scan_setup
 * builds the engine (detectors, the user's real secrets) and the hook
 * scans the request target, the headers and the body (de-chunked,
 * decompressed as declared, windowed across pieces); otherwise it allows
 * everything. docs/dlp.md says what is scanned and what is not. */
#ifndef CAN_PROXY_SCAN_H
#define CAN_PROXY_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct policy;
struct policy_set;

/* What the hook sees of a request. */
struct proxy_req {
	const char *method;   /* "GET", "CONNECT", ... */
	const char *host;     /* the normalised destination host */
	int port;
	const char *path;     /* "/x?y"; "" for CONNECT */
	const uint8_t *head;  /* the head as the client sent it */
	size_t head_len;
	uint64_t body_seen;   /* body bytes passed before this piece */
	void *scan_state;     /* the scanner's own per-request state (NULL today) */
	/* The policies the connection is held to (proxy.h), or NULL for the
	 * one proxy_scan_setup was given. In a session each connection has
	 * its client's layers: a set whose every policy turns DLP off is not
	 * scanned, and a credential may go to a host only when every policy
	 * of the set allows it there (scan_set.h, ADR 0264). */
	const struct policy_set *set;
};

enum proxy_scan_verdict { PROXY_SCAN_PASS, PROXY_SCAN_BLOCK };

struct proxy_scan_result {
	enum proxy_scan_verdict verdict;
	/* For a PASS of a body piece: how many of the last bytes of the body
	 * so far (this piece included) the proxy must keep back, not send
	 * upstream yet; a later PASS lowers it, the body's last piece passes
	 * with 0. A BLOCK discards what is held (ADR 0146). */
	uint64_t hold;
	char reason[256];     /* for a block: what matched (no secret in it) */
};

/* chunk = NULL, n = 0 for the head; a body piece otherwise. A BLOCK makes
 * the proxy answer 403 with x-canister-error: dlp-blocked, forward
 * nothing more of the request, and reset the upstream connection (the
 * origin sees an incomplete request, never a complete one). */
void proxy_scan_request(const struct proxy_req *req, const uint8_t *chunk, size_t n,
			struct proxy_scan_result *out);

/* A piece of what upstream answered, before it goes to the client (key:
 * the connection's head buffer, as for requests; host: the destination).
 * With canary_tokens, the bytes of each connection are scanned as one
 * stream (overlap window) for the canaries: a response that carries one
 * shows a planted credential went out and comes back, so it is BLOCKed
 * (the proxy cuts it, never relays it) and said loudly. Passes everything
 * when DLP is off or no canary was planted. */
void proxy_scan_response(const void *key, const char *host, const uint8_t *data, size_t n,
			 struct proxy_scan_result *out);
/* The connection of key is gone: what the scanner kept for it is freed. */
void proxy_scan_forget(const void *key);

/* The destination's name (a CONNECT authority, a plain request's target,
 * which the Host field must match) before the proxy resolves or dials it:
 * names whose labels look random, or whose prefix under a "*.suffix" rule
 * (rule_domain, the [[host]] block's domain that matched, or NULL) is long,
 * carry data out in the lookup itself (dlp_dns_check). Passes everything
 * when DLP is off. */
void proxy_scan_host(const char *host, const char *rule_domain, struct proxy_scan_result *out);
/* The same for a connection held to set (NULL: as proxy_scan_host): passes
 * when every policy of the set turns DLP off. */
void proxy_scan_host_set(const char *host, const char *rule_domain, const struct policy_set *set,
			 struct proxy_scan_result *out);

/* Before the sandbox is built (the supervisor, outside it): builds the
 * engine when p's [network.dlp] enabled is true, and loads the values the
 * sandbox must not leak: the credential-named environment variables of
 * envp that the recipes do not pass through, and the credential files
 * under home. They stay in this process, never in the sandbox, never in a
 * log (a fingerprint stands for them). With canary_tokens, also adds fresh
 * canaries to p's [process] env (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * GITHUB_TOKEN, NPM_TOKEN, where no recipe sets or passes the name). p
 * must outlive the proxy. -1 with a reason in err when the engine cannot
 * be built: the caller runs nothing (fail closed). */
int proxy_scan_setup(struct policy *p, char *const *envp, const char *home, char *err,
		     size_t errlen);
/* The session's variant (ADR 0264), in the supervisor before its proxy
 * starts: the engine with the default [network.dlp] settings (on, as in
 * can run; the decode depth, decompression and DNS threshold defaults),
 * and the values the layers must not leak: every credential-named
 * variable of envp (a layer's recipe cannot pass one through to the
 * supervisor's proxy: the values are the user's) and the credential
 * files under home. No canaries (the session does not build the layers'
 * environment), no entropy budget. Each connection's set then decides
 * whether it is scanned and where credentials may go. -1 with err when
 * the engine cannot be built: the caller starts no proxy (fail closed). */
int proxy_scan_setup_session(char *const *envp, const char *home, char *err, size_t errlen);
/* The fake credential files (ADR 0148): with canary_tokens, after
 * proxy_scan_setup, writes a fake ~/.aws/credentials (in a folder that
 * stands for ~/.aws), ~/.npmrc and ~/.config/gh/hosts.yml (in a folder for
 * ~/.config/gh) under a private temporary folder, with canaries of their
 * own, and points *out at where each goes (src on the host, dst under
 * home). Returns how many (0 without canaries or home), or -1 with err.
 * proxy_scan_teardown removes them. */
struct proxy_fake {
	char *src, *dst;
};
#define PROXY_FAKES 3
int proxy_scan_fake_files(const char *home, const struct proxy_fake **out, char *err,
			  size_t errlen);
/* After the proxy stopped: frees the engine and wipes the secrets. */
void proxy_scan_teardown(void);

#endif
