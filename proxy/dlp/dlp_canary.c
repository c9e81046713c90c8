/* Canary tokens: fresh fake credentials that every scanner (ours included)
 * takes for real ones, put where the sandbox looks for credentials. They
 * grant nothing anywhere; a request or response that carries one shows
 * that something read a planted credential and tried to send it out. */
#include "dlp_int.h"
#include "util/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

static const char upper32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char alnum62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* n characters of alphabet (of size k, a power of two or 62) from r. */
static void pick(char *out, size_t n, const char *alpha, size_t k, const uint8_t *r)
{
	for (size_t i = 0; i < n; i++)
		out[i] = alpha[r[i] % k]; /* the bias of % 62 does not matter for a decoy */
	out[n] = 0;
}

static void on_token(void *ctx, const struct dlp_detector *d, size_t off, size_t len)
{
	(void)off, (void)len;
	*(int *)ctx = d->id;
}

/* Whether the detectors take v for a token of detector id. */
static bool taken(struct dlp_engine *e, const char *v, int id)
{
	int got = D_NONE;
	dlp_scan_tokens(e, (const uint8_t *)v, strlen(v), on_token, &got);
	return got == id;
}

/* One draw of the four values from fresh randomness. */
static int draw(struct dlp_canaries *c)
{
	uint8_t r[160];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return -1;
	memcpy(c->aws_key_id, "AKIA", 4);
	pick(c->aws_key_id + 4, 16, upper32, 32, r);
	pick(c->aws_secret, 40, b64, 64, r + 16);
	/* GitHub's and npm's current tokens: 30 random base62 characters
	 * and the 6-character checksum of those. */
	memcpy(c->gh_token, "ghp_", 4);
	pick(c->gh_token + 4, 30, alnum62, 62, r + 56);
	dlp_gh_checksum((const uint8_t *)c->gh_token + 4, 30, c->gh_token + 34);
	c->gh_token[40] = 0;
	memcpy(c->npm_token, "npm_", 4);
	pick(c->npm_token + 4, 30, alnum62, 62, r + 86);
	dlp_gh_checksum((const uint8_t *)c->npm_token + 4, 30, c->npm_token + 34);
	c->npm_token[40] = 0;
	explicit_bzero(r, sizeof r);
	return 0;
}

static int make(struct dlp_engine *e, struct dlp_canaries *c, const char *const labels[4])
{
	/* A decoy must look real to every scanner: a draw that a validator
	 * turns down (an AWS key id whose random part looks too regular,
	 * about one draw in a hundred) is drawn again. */
	int tries = 0;
	do {
		if (draw(c) < 0 || ++tries > 64)
			return -1;
	} while (!taken(e, c->aws_key_id, D_AWS_KEY_ID) || !taken(e, c->gh_token, D_GH_PAT) ||
	         !taken(e, c->npm_token, D_NPM));
	const char *const v[4] = { c->aws_key_id, c->aws_secret, c->gh_token, c->npm_token };
	for (size_t i = 0; i < 4; i++)
		if (dlp_engine_add_secret(e, DLP_SECRET_CANARY, labels[i], v[i], strlen(v[i])))
			return -1;
	return 0;
}

int dlp_canaries_make(struct dlp_engine *e, struct dlp_canaries *c)
{
	static const char *const labels[4] = { "canary AWS_ACCESS_KEY_ID",
					       "canary AWS_SECRET_ACCESS_KEY", "canary GITHUB_TOKEN",
					       "canary NPM_TOKEN" };
	return make(e, c, labels);
}

int dlp_canaries_make_files(struct dlp_engine *e, struct dlp_canaries *c)
{
	static const char *const labels[4] = { "canary file ~/.aws/credentials",
					       "canary file ~/.aws/credentials",
					       "canary file ~/.config/gh/hosts.yml",
					       "canary file ~/.npmrc" };
	return make(e, c, labels);
}

/* The fake files name a profile, a registry and a forge host that honest
 * tools do not use on their own (the AWS CLI reads [default], npm sends a
 * token to registry.npmjs.org, gh to github.com): only something that
 * reads the file for its secrets sends these (ADR 0148). */
char *dlp_canary_aws_credentials(const struct dlp_canaries *c)
{
	return xasprintf("[prod-deploy]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
			 c->aws_key_id, c->aws_secret);
}

char *dlp_canary_npmrc(const struct dlp_canaries *c)
{
	return xasprintf("@internal:registry=https://npm.internal.example/\n"
			 "//npm.internal.example/:_authToken=%s\n", c->npm_token);
}

char *dlp_canary_gh_hosts(const struct dlp_canaries *c)
{
	return xasprintf("github.internal.example:\n    oauth_token: %s\n    user: deploy\n"
			 "    git_protocol: https\n", c->gh_token);
}

size_t dlp_canary_env(const struct dlp_canaries *c, char *out[8])
{
	out[0] = xasprintf("AWS_ACCESS_KEY_ID=%s", c->aws_key_id);
	out[1] = xasprintf("AWS_SECRET_ACCESS_KEY=%s", c->aws_secret);
	out[2] = xasprintf("GITHUB_TOKEN=%s", c->gh_token);
	out[3] = xasprintf("NPM_TOKEN=%s", c->npm_token);
	return 4;
}
