/* The detectors' patterns, compiled by re2c into one DFA at build time.
 * dlp_dfa_match() is anchored: the scanner (dlp_scan.c) calls it only at
 * positions whose first two bytes the prefilter admits, and the validators
 * (dlp_validate.c) run only on what it returns. Each rule's detector, with
 * its test vectors, is in the table of dlp_detectors.c, in the same order.
 * Rules use loops (`+`), not counted repeats: the exact lengths live in the
 * table (min_len, max_len) and the validator checks them, which keeps the
 * generated DFA at ~12,000 lines instead of ~180,000 (measured with re2c
 * 3.0). On equal lengths the earlier rule wins, so the Anthropic rules come
 * before OpenAI's "sk-". */
#include "dlp_int.h"

enum dlp_det_id dlp_dfa_match(const uint8_t *p, const uint8_t *end, size_t *len)
{
	const uint8_t *s = p, *YYMARKER = p;
#define TOKEN(id) do { *len = (size_t)(p - s); return id; } while (0)
	/*!re2c
	re2c:api = custom;
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = uint8_t;
	re2c:define:YYPEEK = "(p < end ? *p : 0)";
	re2c:define:YYSKIP = "++p;";
	re2c:define:YYBACKUP = "YYMARKER = p;";
	re2c:define:YYRESTORE = "p = YYMARKER;";
	re2c:yyfill:enable = 0;

	alnum = [A-Za-z0-9];
	urlsafe = [A-Za-z0-9_-];
	b64 = [A-Za-z0-9+/];
	hex = [a-f0-9];
	Hex = [a-fA-F0-9];

	"ghp_" alnum+                          { TOKEN(D_GH_PAT); }
	"gho_" alnum+                          { TOKEN(D_GH_OAUTH); }
	"ghu_" alnum+                          { TOKEN(D_GH_U2S); }
	"ghs_" alnum+                          { TOKEN(D_GH_S2S); }
	"ghr_" alnum+                          { TOKEN(D_GH_REFRESH); }
	"github_pat_" alnum+ "_" alnum+     { TOKEN(D_GH_FINE); }
	"glpat-" urlsafe+                     { TOKEN(D_GL_PAT); }
	"glrt-" urlsafe+                      { TOKEN(D_GL_RUNNER); }
	"gldt-" urlsafe+                      { TOKEN(D_GL_DEPLOY); }
	"glptt-" urlsafe+                     { TOKEN(D_GL_TRIGGER); }
	("AKIA" | "ASIA" | "ABIA" | "ACCA") [A-Z0-9]+ { TOKEN(D_AWS_KEY_ID); }
	('aws' [_-]? 'secret' [_-]? ('access' [_-]?)? 'key' | 'secretaccesskey')
		[ \t"':=]+ b64+            { TOKEN(D_AWS_SECRET); }
	"AIza" urlsafe+                        { TOKEN(D_GOOGLE_API); }
	"GOCSPX-" urlsafe+                     { TOKEN(D_GOOGLE_OAUTH); }
	"xox" [baprseo] "-" [0-9A-Za-z-]+     { TOKEN(D_SLACK_TOKEN); }
	"xapp-" [0-9] "-" [A-Z0-9]+ "-" [0-9]+ "-" alnum+ { TOKEN(D_SLACK_APP); }
	"hooks.slack.com/services/T" [A-Z0-9]+ "/B" [A-Z0-9]+ "/" alnum+
	                                          { TOKEN(D_SLACK_WEBHOOK); }
	"sk_" ("live" | "test") "_" alnum+    { TOKEN(D_STRIPE_SECRET); }
	"rk_" ("live" | "test") "_" alnum+    { TOKEN(D_STRIPE_RESTRICTED); }
	"sk-ant-api03-" urlsafe+              { TOKEN(D_ANTHROPIC_API); }
	"sk-ant-admin01-" urlsafe+            { TOKEN(D_ANTHROPIC_ADMIN); }
	"sk-" urlsafe+                        { TOKEN(D_OPENAI); }
	"npm_" alnum+                          { TOKEN(D_NPM); }
	":_authToken=" [^\x00 \t\r\n"'<>]+         { TOKEN(D_NPM_AUTH); }
	"pypi-AgEIcHlwaS5vcmc" urlsafe+       { TOKEN(D_PYPI); }
	"pypi-AgENdGVzdC5weXBpLm9yZw" urlsafe+ { TOKEN(D_PYPI_TEST); }
	"hf_" alnum+                           { TOKEN(D_HF); }
	"api_org_" alnum+                      { TOKEN(D_HF_ORG); }
	"do" [opr] "_v1_" hex+                 { TOKEN(D_DIGITALOCEAN); }
	"shp" ("at" | "ca" | "pa" | "ss") "_" Hex+ { TOKEN(D_SHOPIFY); }
	"SG." urlsafe+ "." urlsafe+         { TOKEN(D_SENDGRID); }
	"dapi" hex+ ("-" [0-9])?               { TOKEN(D_DATABRICKS); }
	"dp." ("pt" | "st" | "sa" | "ct" | "scim" | "audit") "." alnum+ { TOKEN(D_DOPPLER); }
	"hv" [sbr] "." urlsafe+               { TOKEN(D_VAULT); }
	".atlasv1." [A-Za-z0-9_=-]+           { TOKEN(D_TERRAFORM); }
	"AGE-SECRET-KEY-1" [QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]+ { TOKEN(D_AGE); }
	"glc_" b64+ "="{0,2}                  { TOKEN(D_GRAFANA_CLOUD); }
	"glsa_" alnum+ "_" Hex+              { TOKEN(D_GRAFANA_SA); }
	"lin_api_" alnum+                      { TOKEN(D_LINEAR); }
	"PMAK-" Hex+ "-" Hex+               { TOKEN(D_POSTMAN); }
	"pul-" hex+                            { TOKEN(D_PULUMI); }
	"rubygems_" hex+                       { TOKEN(D_RUBYGEMS); }
	"sntrys_eyJ" [A-Za-z0-9_+/=-]+        { TOKEN(D_SENTRY_ORG); }
	"sntryu_" hex+                         { TOKEN(D_SENTRY_USER); }
	"ops_eyJ" [A-Za-z0-9+/=_-]+          { TOKEN(D_1PASSWORD); }
	"HRKU-" urlsafe+                      { TOKEN(D_HEROKU); }
	"ntn_" [0-9]+ alnum+                { TOKEN(D_NOTION); }
	"secret_" alnum+                       { TOKEN(D_NOTION); }
	"AKCp" alnum+                          { TOKEN(D_ARTIFACTORY); }
	"cmVmdGtuOj" alnum+                   { TOKEN(D_ARTIFACTORY); }
	[0-9] "Q~" [A-Za-z0-9_~.-]+         { TOKEN(D_AZURE_SECRET); }
	"fo1_" urlsafe+                        { TOKEN(D_FLYIO); }
	"fm2_" [A-Za-z0-9+/=_-]+             { TOKEN(D_FLYIO); }
	"pscale_" ("tkn" | "pw" | "oauth") "_" [A-Za-z0-9_.-]+ { TOKEN(D_PLANETSCALE); }
	"LTAI" alnum+                       { TOKEN(D_ALIBABA); }
	"EAA" alnum+                          { TOKEN(D_FACEBOOK); }
	"sq0atp-" urlsafe+                     { TOKEN(D_SQUARE); }
	"sq0csp-" urlsafe+                     { TOKEN(D_SQUARE); }
	"ATATT3" [A-Za-z0-9_=-]+             { TOKEN(D_ATLASSIAN); }
	"key-" hex+                            { TOKEN(D_MAILGUN); }
	"SK" hex+                              { TOKEN(D_TWILIO); }
	"discord" "app"? ".com/api/webhooks/" [0-9]+ "/" urlsafe+ { TOKEN(D_DISCORD_WEBHOOK); }
	"-----BEGIN " ([A-Z0-9]+ " "){0,3} "PRIVATE KEY" " BLOCK"? "-----" { TOKEN(D_PRIVATE_KEY); }
	"eyJ" urlsafe+ "." "eyJ" urlsafe+ "." urlsafe* { TOKEN(D_JWT); }
	("postgres" | "postgresql" | "mysql" | "mariadb" | "mongodb" | "mongodb+srv" | "redis"
	 | "rediss" | "amqp" | "amqps" | "mssql" | "sqlserver" | "clickhouse")
		"://" [^\x00:/@ \t\r\n"'<>]* ":" [^\x00@/ \t\r\n"'<>]+ "@" { TOKEN(D_DB_URI); }

	* { return D_NONE; }
	*/
#undef TOKEN
}
