/* The detector table: what each detector takes, where its tokens may go,
 * and its test vectors beside it (true positives that must be found, near
 * misses that must pass). Its patterns are the rules of dlp_detect.re, in
 * the same order. Formats come from each vendor's public documentation of
 * its token format; the true positives here are made up (random bodies, with
 * GitHub's checksum computed where the format has one) and grant nothing.
 * test_dlp_detectors checks every vector, and that every vector starts with
 * one of the detector's prefixes, so the prefilter can never miss one. */
#include "dlp_int.h"

#include <string.h>

#define V(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define GH "github.com *.github.com *.githubusercontent.com"
#define RANDOM 3.0 /* bits per char: random bodies score 4 and more */

const struct dlp_detector dlp_detectors[D_COUNT] = {
	[D_GH_PAT] = { D_GH_PAT, "github-pat-classic", "GitHub personal access token (classic)", GH,
		"ghp_", 4, 0, 40, 40, RANDOM, F_GH_CRC,
		V("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", "token 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"),
		V("ghp_C3J27XDCG2LmlZGEONYlgCtjfIZ4SO2Hjn6A" /* checksum off by one char */,
		  "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X" /* too long */,
		  "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "GHP_C3J27XDCG2LmlZGEONYlgCtjfIZ4SO2Hjn6r") },
	[D_GH_OAUTH] = { D_GH_OAUTH, "github-oauth", "GitHub OAuth access token", GH,
		"gho_", 4, 0, 40, 40, RANDOM, F_GH_CRC,
		V("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", "oauth_token: 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"),
		V("gho_oOsFaQfDPrAJ71fTquWoGsbeKXgzg24344pA", "gho_short") },
	[D_GH_U2S] = { D_GH_U2S, "github-user-to-server", "GitHub App user-to-server token", GH,
		"ghu_", 4, 0, 40, 40, RANDOM, F_GH_CRC,
		V("ghu_9AW7hipTgadDZFlRJmCGmUXiAPyhzA3O5Cxu", "ghu_nar3ZLt4bnlz2MPKgcjnCqaXNv1sye1OcTvv"),
		V("ghu_9AW7hipTgadDZFlRJmCGmUXiAPyhzA3O5CxA") },
	[D_GH_S2S] = { D_GH_S2S, "github-server-to-server", "GitHub App installation token", GH,
		"ghs_", 4, 0, 40, 40, RANDOM, F_GH_CRC,
		V("ghs_efnLOpaMxxNDi9LE1Ki3ylOjt6o0Np37AWl7", "ghs_UmkVO8JmR8y4EMfAdggcG9qpVTzqA01v46KE"),
		V("ghs_efnLOpaMxxNDi9LE1Ki3ylOjt6o0Np37AWlA") },
	[D_GH_REFRESH] = { D_GH_REFRESH, "github-refresh", "GitHub refresh token", GH,
		"ghr_", 4, 0, 40, 40, RANDOM, F_GH_CRC,
		V("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", "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"),
		V("ghr_5MFsHl7UeioEJP2NNern66nVberACp3jbUvA") },
	[D_GH_FINE] = { D_GH_FINE, "github-pat-fine-grained", "GitHub fine-grained personal access token", GH,
		"github_pat_", 11, 0, 93, 93, RANDOM, 0,
		V("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"),
		V("github_pat_short_token", "github_pat_9cbMOeEeUtuieeCIxVc57V_VTiY96vwfRE5e32A8Yb3FKaNQ") },
	[D_GL_PAT] = { D_GL_PAT, "gitlab-pat", "GitLab personal access token", "gitlab.com *.gitlab.com",
		"glpat-", 6, 0, 26, 120, RANDOM, 0,
		V("glpat-cDo-_GbVMszvR4-EPZGz", "PRIVATE-TOKEN: glpat-cDo-_GbVMszvR4-EPZGz"),
		V("glpat-xxxxxxxxxxxxxxxxxxxx", "glpat-short") },
	[D_GL_RUNNER] = { D_GL_RUNNER, "gitlab-runner", "GitLab runner authentication token",
		"gitlab.com *.gitlab.com", "glrt-", 5, 0, 25, 120, RANDOM, 0,
		V("glrt-3zBXCOArr-SfiJvo58JB"), V("glrt-0000000000000000000000") },
	[D_GL_DEPLOY] = { D_GL_DEPLOY, "gitlab-deploy", "GitLab deploy token", "gitlab.com *.gitlab.com",
		"gldt-", 5, 0, 25, 120, RANDOM, 0,
		V("gldt-0W-O5PjeJfJTNcrZ6ydI"), V("gldt-abc") },
	[D_GL_TRIGGER] = { D_GL_TRIGGER, "gitlab-trigger", "GitLab pipeline trigger token",
		"gitlab.com *.gitlab.com", "glptt-", 6, 0, 26, 120, RANDOM, 0,
		V("glptt-Esgo5nVjzz8Gwb8ewCIS"), V("glptt-aaaaaaaaaaaaaaaaaaaaaaaa") },
	[D_AWS_KEY_ID] = { D_AWS_KEY_ID, "aws-access-key-id", "AWS access key id",
		"amazonaws.com *.amazonaws.com *.aws.amazon.com", "AKIA ASIA ABIA ACCA", 4, 0, 20, 20,
		RANDOM, F_BOUNDARY,
		V("AKIAKZOF2YI45MAYV5UN", "aws_access_key_id=ASIAGHNPYFTUQBWFC4V2"),
		V("AKIAIOSFODNN7EXAMPLE" /* AWS's documented example */, "AKIAKZOF2YI45MAYV5UNX",
		  "XAKIAKZOF2YI45MAYV5UN", "AKIAAAAAAAAAAAAAAAAA") },
	[D_AWS_SECRET] = { D_AWS_SECRET, "aws-secret-key", "AWS secret access key (in context)",
		"amazonaws.com *.amazonaws.com *.aws.amazon.com", "~aws ~secretaccesskey", 0, 0, 50, 120,
		0, F_AWS_SECRET,
		V("aws_secret_access_key = J+dBi2ewQr8t4/lC4LvGNWAMsI/z0oaWdfZp+lvi",
		  "\"SecretAccessKey\": \"J+dBi2ewQr8t4/lC4LvGNWAMsI/z0oaWdfZp+lvi\"",
		  "AWS_SECRET_ACCESS_KEY=J+dBi2ewQr8t4/lC4LvGNWAMsI/z0oaWdfZp+lvi"),
		V("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" /* AWS's example */,
		  "aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",
		  "aws_secret_access_key = abcdefghijabcdefghijabcdefghijabcdefghij") },
	[D_GOOGLE_API] = { D_GOOGLE_API, "google-api-key", "Google API key",
		"googleapis.com *.googleapis.com", "AIza", 4, 0, 39, 39, RANDOM, F_BOUNDARY,
		V("AIza60ZIF8-qR38Ony1dHqceytDbKPTF-n-pGz3", "key=AIza60ZIF8-qR38Ony1dHqceytDbKPTF-n-pGz3&q=1"),
		V("AIza60ZIF8-qR38Ony1dHqceytDbKPTF-n-pGz", "xAIza60ZIF8-qR38Ony1dHqceytDbKPTF-n-pGz3") },
	[D_GOOGLE_OAUTH] = { D_GOOGLE_OAUTH, "google-oauth-secret", "Google OAuth client secret",
		"oauth2.googleapis.com accounts.google.com", "GOCSPX-", 7, 0, 35, 35, RANDOM, 0,
		V("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"), V("GOCSPX-tooshort") },
	[D_SLACK_TOKEN] = { D_SLACK_TOKEN, "slack-token", "Slack token (bot, user, app, refresh)",
		"slack.com *.slack.com", "xoxb xoxp xoxa xoxr xoxs xoxe xoxo", 5, 0, 15, 250, RANDOM,
		F_DIGITS,
		V("xoxb-601395518583-1710089897232-hnl1ks7RgLdi8RDeWguzDBGw"),
		V("xoxb-not-a-token", "xoxb-xxxxxxxxxx-xxxxxxxxxx") },
	[D_SLACK_APP] = { D_SLACK_APP, "slack-app-token", "Slack app-level token", "slack.com *.slack.com",
		"xapp-", 5, 0, 30, 250, RANDOM, 0,
		V("xapp-1-A1NXACML03X-5639218051699-6a8835c4abd5c652a9f30b1789a6c52cf63c03378ec16c03888ad3e21c5cf5f1"),
		V("xapp-1-A-1-a") },
	[D_SLACK_WEBHOOK] = { D_SLACK_WEBHOOK, "slack-webhook", "Slack incoming webhook URL",
		"hooks.slack.com", "hooks.slack.com/", 0, 0, 60, 120, 0, 0,
		V("https://hooks.slack.com/services/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"),
		V("https://hooks.slack.com/services/TXXX/BXXX/XXXX", "https://api.slack.com/services") },
	[D_STRIPE_SECRET] = { D_STRIPE_SECRET, "stripe-secret-key", "Stripe secret key",
		"api.stripe.com *.stripe.com", "sk_live sk_test", 8, 0, 32, 255, RANDOM, 0,
		V("sk_live_EqWpcHg7ZU6Dj90pMThdNADh"), V("sk_live_short", "sk_prod_EqWpcHg7ZU6Dj90pMThdNADh") },
	[D_STRIPE_RESTRICTED] = { D_STRIPE_RESTRICTED, "stripe-restricted-key", "Stripe restricted key",
		"api.stripe.com *.stripe.com", "rk_live rk_test", 8, 0, 32, 255, RANDOM, 0,
		V("rk_test_n3dwHjhxCiQADMqOLRAxXVH0i8sUipEhG5tYGN2wrrNRUKSLmOrWpm8pGP6m4RcOdarqBbNcgoIreWf6RkJpOxEEwnvvFVi13eZ"),
		V("rk_test_000000000000000000000000") },
	[D_ANTHROPIC_API] = { D_ANTHROPIC_API, "anthropic-api-key", "Anthropic API key",
		"api.anthropic.com *.anthropic.com", "sk-ant-api03-", 13, 0, 93, 200, RANDOM, 0,
		V("sk-ant-api03-p5B42HXtVtPLx2Vm7Pkk3_7MbjNBkM-PKsCTPUpP4J4N6OCZFkUUdUYXyVXtwwl6KcChuLc2iNkQkJnOkdsm2FC_R6YSRAA"),
		V("sk-ant-api03-short") },
	[D_ANTHROPIC_ADMIN] = { D_ANTHROPIC_ADMIN, "anthropic-admin-key", "Anthropic admin API key",
		"api.anthropic.com *.anthropic.com", "sk-ant-admin01-", 15, 0, 95, 200, RANDOM, 0,
		V("sk-ant-admin01-Qr-_jf0SaWl7dUbo11sFuWvPAX2LJh8NoMtwh6c9eOnzxTBE8C4xJZwN9H_ZRl9CZgBrXJhEb8V5F1u1uPsHqIgtwaAtqAA"),
		V("sk-ant-admin01-xxxxxxxx") },
	[D_OPENAI] = { D_OPENAI, "openai-api-key", "OpenAI API key (user, project, service account)",
		"api.openai.com *.openai.com", "sk-", 3, 0, 40, 250, RANDOM, F_OPENAI,
		V("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",
		  "Authorization: Bearer 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"),
		V("sk-DczlY78QitWQ2V6yNLOZxxxxxxxxWbkmADcjHyhKzlvHiqpK" /* no T3BlbkFJ */, "sk-proj-short") },
	[D_NPM] = { D_NPM, "npm-token", "npm access token", "registry.npmjs.org *.npmjs.org registry.yarnpkg.com",
		"npm_", 4, 0, 40, 40, RANDOM, 0,
		V("npm_7vdPYcUQYjz9FMgEwA5N6SKWAWsF4D152SA0", "NPM_TOKEN=npm_7vdPYcUQYjz9FMgEwA5N6SKWAWsF4D152SA0"),
		V("npm_install_packages_from_the_registry", "npm_7vdPYcUQYjz9FMgEwA5N6SKWAWsF4D152SA") },
	[D_NPM_AUTH] = { D_NPM_AUTH, "npmrc-auth-token", "npm registry token in .npmrc form",
		"registry.npmjs.org *.npmjs.org registry.yarnpkg.com", ":_authToken=", 12, 0, 20, 300, 2.5,
		F_NPM_AUTH,
		V("//registry.npmjs.org/:_authToken=d33add0a-19dc-a927-3e7c-1f379c72bd57"),
		V("//registry.npmjs.org/:_authToken=${NPM_TOKEN}", "//registry.npmjs.org/:_authToken=") },
	[D_PYPI] = { D_PYPI, "pypi-token", "PyPI API token", "upload.pypi.org pypi.org",
		"pypi-AgEIcHlwaS5vcmc", 20, 0, 70, 400, RANDOM, 0,
		V("pypi-AgEIcHlwaS5vcmc1pjmqp6aLFMdPwi45YsTDfNd6ONP-s8AzLhzOT8cwzEygnNOJ1rQ41kvCNpzIxELIVoDMxCJql7j4jfaKG2lvKyFwJdxte7Xa-hxiUP9eLwvo3E4GEH_C-Hezg5xPtc-34HdjowEsgN2fOH-lvWGFu"),
		V("pypi-AgEIcHlwaS5vcmc", "pypi-AgEIcHlwaS5vcmcXXXX") },
	[D_PYPI_TEST] = { D_PYPI_TEST, "testpypi-token", "TestPyPI API token", "test.pypi.org",
		"pypi-AgENdGVzdC5weXBpLm9yZw", 27, 0, 77, 400, RANDOM, 0,
		V("pypi-AgENdGVzdC5weXBpLm9yZw-6hO07UBfq_rs6faE0slYM82jeDLGpE17lDUNRBfuZhRw7YBWWgB1SFxu9AZB7N85_x_AX1jgJUJcxHYBInUhtUrEpcPX5kWPGhMYE_fytqeAN029rHO5WsAJ5ZrXTCnLVSBrfd9bMiBTpVEHl2pY-"),
		V("pypi-AgENdGVzdC5weXBpLm9yZw") },
	[D_HF] = { D_HF, "huggingface-token", "Hugging Face user access token",
		"huggingface.co *.huggingface.co hf.co", "hf_", 3, 0, 37, 37, RANDOM, 0,
		V("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"), V("hf_transfer_enabled_for_this_downloads", "hf_dFyvsFTrok") },
	[D_HF_ORG] = { D_HF_ORG, "huggingface-org-token", "Hugging Face organisation API token",
		"huggingface.co *.huggingface.co hf.co", "api_org_", 8, 0, 42, 42, RANDOM, 0,
		V("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"), V("api_org_settings") },
	[D_DIGITALOCEAN] = { D_DIGITALOCEAN, "digitalocean-token", "DigitalOcean token (personal, OAuth, refresh)",
		"api.digitalocean.com *.digitalocean.com", "dop_ doo_ dor_", 7, 0, 71, 71, RANDOM, 0,
		V("dop_v1_621dd282eecc1489fbf046878770c07f2a8b30a6c5655af9bd9bf77ba5422393",
		  "doo_v1_ef15df1b8cc88ba5a64d48546c9750f488d8cc4153169b3ca0f5b29e97cd4c69"),
		V("dop_v1_0000000000000000000000000000000000000000000000000000000000000000") },
	[D_SHOPIFY] = { D_SHOPIFY, "shopify-token", "Shopify access token or shared secret",
		"*.myshopify.com *.shopify.com", "shpat_ shpca_ shppa_ shpss_", 6, 0, 38, 38, RANDOM, 0,
		V("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", "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"),
		V("shpat_00000000000000000000000000000000", "shpat_4e538fd34a") },
	[D_SENDGRID] = { D_SENDGRID, "sendgrid-api-key", "SendGrid API key", "api.sendgrid.com *.sendgrid.com",
		"SG.", 3, 0, 69, 69, RANDOM, 0,
		V("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"),
		V("SG.short.key", "SG.") },
	[D_DATABRICKS] = { D_DATABRICKS, "databricks-token", "Databricks personal access token",
		"*.cloud.databricks.com *.azuredatabricks.net *.gcp.databricks.com", "dapi", 4, 0, 36, 38,
		RANDOM, F_BOUNDARY,
		V("dapi582ca5b04c16bed33ededc7c11ee911a", "dapi4ea8a6fc14f37543388251a8be60d6f8-2"),
		V("rapidapi582ca5b04c16bed33ededc7c11ee911a", "dapi582ca5b04c16") },
	[D_DOPPLER] = { D_DOPPLER, "doppler-token", "Doppler token", "api.doppler.com *.doppler.com",
		"dp.pt dp.st dp.sa dp.ct dp.scim dp.audit", 6, 0, 46, 56, RANDOM, 0,
		V("dp.pt.9PpegJCYWF4peZF2dX3J5eY8jZxlgvc7w93o1shAlNy", "dp.st.b2RND5FefPnIOu49UmJQBya0vSu2O8rQMnSnlXikSLD"),
		V("dp.pt.short") },
	[D_VAULT] = { D_VAULT, "vault-token", "HashiCorp Vault token (service, batch, recovery)", "",
		"hvs. hvb. hvr.", 4, 0, 28, 300, RANDOM, 0,
		V("hvs.fqJoHSTNzbiAUN0zsjI2V0J6rpmS1E-pKpKk6C9Xz0C5iU1QK4ILbFb0VqGX1JRnnm6AlUcVdSct8jUv7O9hCcY3Do",
		  "hvb.hi7ZBA-VsYmkavG8p37tcVUdnS0omMpiEqlNLTFF07gB5vn6rntsw0p0bDtoWuLdZo-MfX1MkBHo1Q_ArmYMIHCVk29XT3Q5ogNhuWPZCmVeOU9D_bV0naTFUVMAhOx-pS"),
		V("hvs.short", "hvs.aaaaaaaaaaaaaaaaaaaaaaaaaaaa") },
	[D_TERRAFORM] = { D_TERRAFORM, "terraform-token", "Terraform Cloud / Enterprise API token",
		"app.terraform.io *.terraform.io", ".atlasv1.", 9, 14, 69, 120, RANDOM, 0,
		V("d2fnqLrZY8BP3x.atlasv1.zfsKRgfzo1qvcuj0jYsPsdWFdzNfJi7vOTbN7RWnLIa0VEAvRO660elYfCRWiyWCRBZ"),
		V("short.atlasv1.zfsKRgfzo1qvcuj0jYsPsdWFdzNfJi7vOTbN7RWnLIa0VEAvRO660elYfCRWiyWCRBZ", "x.atlasv1.y") },
	[D_AGE] = { D_AGE, "age-secret-key", "age secret key", "", "AGE-SECRET-KEY-1", 16, 0, 74, 74, RANDOM, 0,
		V("AGE-SECRET-KEY-18U5Y8K88EN8DX65G8F376ZMCVLLMC7X25VQK2KCCUAKF7E59LWSK6ZSYSC"),
		V("AGE-SECRET-KEY-1", "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p" /* a public key */) },
	[D_GRAFANA_CLOUD] = { D_GRAFANA_CLOUD, "grafana-cloud-token", "Grafana Cloud API token",
		"grafana.com *.grafana.com *.grafana.net", "glc_", 4, 0, 36, 400, RANDOM, 0,
		V("glc_eyJvIjogIjMzNjkxOCIsICJuIjogInN0YWNrLTI2ODc2Ny1obS1yZWFkIiwgImsiOiAiaG9sV05nUnRHMmpjU3dLa0pGdkZqQzhXIiwgIm0iOiB7InIiOiAicHJvZC11cy1lYXN0LTAifX0="),
		V("glc_short") },
	[D_GRAFANA_SA] = { D_GRAFANA_SA, "grafana-service-account", "Grafana service account token",
		"grafana.com *.grafana.com *.grafana.net", "glsa_", 5, 0, 46, 46, RANDOM, 0,
		V("glsa_wZtgpYjnm3IVNwhkWmLk57xSuxg8YTZs_837b0589"), V("glsa_wZtgpYjnm3IVNwhkWmLk57xSuxg8YTZs") },
	[D_LINEAR] = { D_LINEAR, "linear-api-key", "Linear API key", "api.linear.app", "lin_api_", 8, 0, 48, 48,
		RANDOM, 0, V("lin_api_sqJiqFerbsYr8Gj3yk03I2iNfIZUkIWQS6LXOqtd"), V("lin_api_docs") },
	[D_POSTMAN] = { D_POSTMAN, "postman-api-key", "Postman API key", "api.getpostman.com *.postman.com",
		"PMAK-", 5, 0, 64, 64, RANDOM, 0,
		V("PMAK-db7febb68b723290336b9b41-240d42d52bf63d4f62f02498a7844d0fa5"), V("PMAK-db7febb68b723290336b9b41") },
	[D_PULUMI] = { D_PULUMI, "pulumi-token", "Pulumi access token", "api.pulumi.com", "pul-", 4, 0, 44, 44,
		RANDOM, 0, V("pul-25133990d14520b26c7dba7bc0781babe7d56468"), V("pul-0000000000000000000000000000000000000000") },
	[D_RUBYGEMS] = { D_RUBYGEMS, "rubygems-api-key", "RubyGems API key", "rubygems.org *.rubygems.org",
		"rubygems_", 9, 0, 57, 57, RANDOM, 0,
		V("rubygems_ef7a5788059729a617227e61d4bb22c4d7a6c92f01f1c2d5"), V("rubygems_ef7a5788059729a6") },
	[D_SENTRY_ORG] = { D_SENTRY_ORG, "sentry-org-token", "Sentry organisation auth token", "sentry.io *.sentry.io",
		"sntrys_", 7, 0, 50, 600, RANDOM, 0,
		V("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"),
		V("sntrys_eyJ") },
	[D_SENTRY_USER] = { D_SENTRY_USER, "sentry-user-token", "Sentry user auth token", "sentry.io *.sentry.io",
		"sntryu_", 7, 0, 71, 71, RANDOM, 0,
		V("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"), V("sntryu_a39febfe") },
	[D_1PASSWORD] = { D_1PASSWORD, "1password-service-account", "1Password service account token",
		"*.1password.com *.1password.eu *.1password.ca", "ops_eyJ", 4, 0, 107, 2000, RANDOM, 0,
		V("ops_eyJzaWduSW5BZGRyZXNzIjogIm15LjFwYXNzd29yZC5jb20iLCAidXNlckF1dGgiOiB7Im1ldGhvZCI6ICJTUlBnLTQwOTYiLCAiYWxnIjogIlBCRVMyZy1IUzI1NiIsICJpdGVyYXRpb25zIjogNjUwMDAwLCAic2FsdCI6ICJ3RUpoRlY3WkdQeVJhUUZ6ckZLMk9LIn0sICJlbWFpbCI6ICJvYmNrcHVwYnVlYWlAMXBhc3N3b3Jkc2VydmljZWFjY291bnRzLmNvbSIsICJzcnBYIjogImUxMjgxN2MxODYzZGIxMmZmNDlhYTY2ZTk0Nzg5NTNmOTcxMGFmYzI1Mzg5Yzk4NTg0MWRkYzA4ZmY3Y2IxMDUiLCAibXVrIjogeyJhbGciOiAiQTI1NkdDTSIsICJleHQiOiB0cnVlLCAiayI6ICItRERwdDNPN0l4ZEluUVFnZExNN2hRbkpCX2llbWc4Rkt6VUUzUFlpUmdUIiwgImtleV9vcHMiOiBbImVuY3J5cHQiLCAiZGVjcnlwdCJdLCAia3R5IjogIm9jdCIsICJraWQiOiAibXAifSwgInNlY3JldEtleSI6ICJBMy1TNzgwTjAifQ"),
		V("ops_eyJ9") },
	[D_HEROKU] = { D_HEROKU, "heroku-api-key", "Heroku API key", "api.heroku.com *.heroku.com", "HRKU-", 5, 0,
		45, 100, RANDOM, 0, V("HRKU-AAE8kp2381G1blyxhtxIOIfh6h3n8yGhjaI74q2-FZE0flqFh8ZcXjY7nAF_"), V("HRKU-short") },
	[D_NOTION] = { D_NOTION, "notion-token", "Notion integration token", "api.notion.com", "ntn_ secret_", 4, 0,
		50, 50, RANDOM, F_BOUNDARY,
		V("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", "secret_yR5GZY7z4QeVosoUM8MPQDBnPtoMXfILUvKTzb1AwXB"),
		V("client_secret_yR5GZY7z4Q", "secret_key_base") },
	[D_ARTIFACTORY] = { D_ARTIFACTORY, "artifactory-token", "JFrog Artifactory API key or reference token",
		"*.jfrog.io", "AKCp cmVmdGtuOj", 4, 0, 64, 100, RANDOM, F_BOUNDARY,
		V("AKCpqfNyo3zt9mV6BdFLd0n1PzeLTTWvVxLEqqTRJAIkbiWXLuZUG8brWKvH9Fuk7OY5FQFs5",
		  "cmVmdGtuOjAxOjZ9ARjgMdDDHJCKb9swBWdeatISkSx1nyTrjwLIGbIxzQzjYtO3"),
		V("AKCpqfNyo3zt9mV6BdFLd0n1P") },
	[D_AZURE_SECRET] = { D_AZURE_SECRET, "azure-ad-client-secret", "Azure AD (Entra ID) client secret",
		"login.microsoftonline.com", "0Q~ 1Q~ 2Q~ 3Q~ 4Q~ 5Q~ 6Q~ 7Q~ 8Q~ 9Q~", 3, 3, 34, 37, RANDOM, 0,
		V("17N8Q~FAwdpkdyHc_hdLQBUPRB8Od4K.TCCOtR43"), V("8Q~short", "17N8Q~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~") },
	[D_FLYIO] = { D_FLYIO, "flyio-token", "Fly.io access token", "api.fly.io *.fly.io *.machines.dev",
		"fo1_ fm2_", 4, 0, 47, 2000, RANDOM, 0,
		V("fo1_wxv8TSBOC9UhD-gidmPfT_Xin1cwIftPg7KCcTFUaFL",
		  "FlyV1 fm2_MHbcUN1wIwoum8yN4F0XUH74CKcLMYef6KyV7V6lYDyjoFQ2NeLTjobsXo53hwi7F/B5RcbCBjFNQwmxHyCvhSerzdu8PHxOoafMXGXx1/eEJIzkiGxEWLpXO/ah0+XpGgodUVQXsxAb/E5y+fjeqyX7C3WuUgSisJuedEWslfrReoDKxy5o"),
		V("fo1_short") },
	[D_PLANETSCALE] = { D_PLANETSCALE, "planetscale-token", "PlanetScale service token or password",
		"api.planetscale.com *.psdb.cloud", "pscale_", 7, 0, 42, 78, RANDOM, 0,
		V("pscale_tkn_BmeOHkek0IYyAjyKVGgyaEtcNbmZv7aB4YL2zsIs8Qi", "pscale_pw_kyZT4x7Tg6PcqstspWYgSU7PlOz32vWqhJ_hVA3RxLM"),
		V("pscale_tkn_short") },
	[D_ALIBABA] = { D_ALIBABA, "alibaba-access-key", "Alibaba Cloud AccessKey id", "*.aliyuncs.com",
		"LTAI", 4, 0, 16, 24, RANDOM, F_BOUNDARY,
		V("LTAIR9K54K44ro1EPr9KjqzF"), V("LTAIR9K5", "xLTAIR9K54K44ro1EPr9KjqzF") },
	[D_FACEBOOK] = { D_FACEBOOK, "facebook-access-token", "Facebook (Meta) access token",
		"graph.facebook.com *.facebook.com", "EAA", 3, 0, 93, 500, RANDOM, F_BOUNDARY,
		V("EAACEdEose0cBAKfiXXPdBOLrnu9MymrCQ23bqlxGSMmI2qmyJMvUahaSaOvPrEGObeBT6oZElUD2E7RAruJzpuUVYDIRNj6YP99miNMkRcAA2lIUmKRRw9Pdxg7ciDR0qRqJD21x8hdPPbEogbLk2ekIwifMS03w6hx"),
		V("EAACEdEose0cBA") },
	[D_SQUARE] = { D_SQUARE, "square-token", "Square access token or OAuth secret",
		"connect.squareup.com *.squareup.com", "sq0atp- sq0csp-", 7, 0, 29, 50, RANDOM, 0,
		V("sq0atp-V2EgPK4K27Bb48H9uIhqUU", "sq0csp-mLj61JY9Y9TkpfZkt4t2mDs4LNVXBbav9squroitBQ5"), V("sq0atp-short") },
	[D_ATLASSIAN] = { D_ATLASSIAN, "atlassian-api-token", "Atlassian API token",
		"*.atlassian.net api.atlassian.com", "ATATT3", 6, 0, 186, 400, RANDOM, 0,
		V("ATATT3xFfGF0xgKgQs2jneQ8ZAfw8-MN1Aj1u6xPh1fErKFvOvHFR1C7ipmDvF1-_UzVjwCFql30EV0UpGT7TItKXfGXOmwMWoskG_CmiT8zL2JN9dAP-ybp1jkbE67_OOe14THrUpqRlwmlw0uMOLLk6e8qOpu04lsguNo4r7vJQnQ1a-WlBi=B85DA6DE"),
		V("ATATT3short") },
	[D_MAILGUN] = { D_MAILGUN, "mailgun-api-key", "Mailgun API key", "api.mailgun.net api.eu.mailgun.net",
		"key-", 4, 0, 36, 36, RANDOM, F_BOUNDARY,
		V("key-181e346f06c5fe5f63b5d720f4b279bd"), V("monkey-181e346f06c5fe5f63b5d720f4b279bd", "key-value") },
	[D_TWILIO] = { D_TWILIO, "twilio-api-key", "Twilio API key sid", "api.twilio.com *.twilio.com",
		"SK", 2, 0, 34, 34, RANDOM, F_BOUNDARY,
		V("SKe0ebea441cb12d7b02a7b3941ca553a0"), V("ASKe0ebea441cb12d7b02a7b3941ca553a0", "SKIP") },
	[D_DISCORD_WEBHOOK] = { D_DISCORD_WEBHOOK, "discord-webhook", "Discord webhook URL",
		"discord.com discordapp.com", "discord.com/ discordapp.com/", 0, 0, 100, 120, 0, 0,
		V("https://discord.com/api/webhooks/732133657140775171/HiMRmvQzCp6M4jOAl1egLKL1Zj1j0FZR4D-igN0ILZLVc6fQ_WlIgaLMuoEd9cdUa4ud"),
		V("https://discord.com/api/webhooks/123/abc") },
	[D_PRIVATE_KEY] = { D_PRIVATE_KEY, "private-key", "PEM or OpenSSH private key", "",
		"-----BEGIN ", 0, 0, 27, 80, 0, 0,
		V("-----BEGIN OPENSSH PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----",
		  "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----",
		  "-----BEGIN PGP PRIVATE KEY BLOCK-----"),
		V("-----BEGIN PUBLIC KEY-----", "-----BEGIN CERTIFICATE-----", "-----BEGIN OPENSSH PUBLIC KEY-----") },
	[D_JWT] = { D_JWT, "jwt", "JSON Web Token", "", "eyJ", 0, 0, 24, 2000, 0, F_JWT,
		V("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiAiNjE2ODcxNTY0OCIsICJuYW1lIjogIkpvIiwgImlhdCI6IDE3MDAwMDAwMDB9.XsM7gg8qWavIs_oN3aQCWJk07hje49FRvnW7p5qIoxQ"),
		V("eyJmb28iOiJiYXIifQ.eyJmb28iOiJiYXIifQ.sig" /* no "alg" */, "eyJhbGciOiJIUzI1NiJ9") },
	[D_DB_URI] = { D_DB_URI, "database-uri-password", "database URI with a password", "",
		"postgres mysql mariadb mongodb redis amqp mssql sqlserver clickhouse", 0, 0, 12, 512, 0, F_DB_URI,
		V("postgres://app:yAGEHBiMt8b7V621HoTp@db.internal:5432/app", "mongodb+srv://svc:mD6PEMTwQstPbif7@cluster0.example.net/x",
		  "DATABASE_URL=mysql://root:Zq8vR2nLk3@127.0.0.1/db"),
		V("postgres://user:password@localhost/db", "postgres://localhost:5432/db", "redis://:${REDIS_PASSWORD}@redis:6379",
		  "mysql://root:<password>@host/db") },
};

const struct dlp_detector *dlp_detector(enum dlp_det_id id)
{
	return id > D_NONE && id < D_COUNT ? &dlp_detectors[id] : NULL;
}

static void mark_pair(struct dlp_prefilter *pf, uint8_t a, uint8_t b)
{
	unsigned i = (unsigned)a << 8 | b;
	pf->pair[i >> 6] |= 1ull << (i & 63);
}

static uint8_t flip_case(uint8_t c)
{
	if (c >= 'a' && c <= 'z')
		return (uint8_t)(c - 32);
	if (c >= 'A' && c <= 'Z')
		return (uint8_t)(c + 32);
	return c;
}

/* Every detector's prefixes give the first two bytes that can start it; a
 * "~" prefix is case-insensitive (all four case pairs). */
void dlp_prefilter_build(struct dlp_prefilter *pf)
{
	memset(pf, 0, sizeof *pf);
	for (size_t d = D_NONE + 1; d < D_COUNT; d++) {
		const char *s = dlp_detectors[d].prefixes;
		while (*s) {
			while (*s == ' ')
				s++;
			bool icase = *s == '~';
			s += icase;
			if (!s[0] || !s[1])
				break;
			uint8_t a = (uint8_t)s[0], b = (uint8_t)s[1];
			mark_pair(pf, a, b);
			if (icase) {
				mark_pair(pf, flip_case(a), b);
				mark_pair(pf, a, flip_case(b));
				mark_pair(pf, flip_case(a), flip_case(b));
			}
			while (*s && *s != ' ')
				s++;
		}
	}
}
