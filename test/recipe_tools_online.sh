#!/usr/bin/env bash
# make check-online, the recipes' part: the package managers against the
# real npm registry this machine's npm is configured for, through the egress
# proxy (HTTPS by CONNECT to the [[host]] domains of the recipes):
#   npm ci of a lockfile project (the lockfile written by npm install inside)
#   pnpm install and yarn install (classic), both fetched and run by npx
#   bun install and deno run, the same way (both ship as npm packages)
# and PyPI, which is only tried when reachable. Each part skips, saying
# why, when its registry is not reachable from the host.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"

H=$T_HOME
if ! command -v npm >/dev/null; then
	t_skip "check-online (recipes): npm is not installed"
	t_done
fi
REG=$(npm config get registry 2>/dev/null)
if ! curl -sS -m 15 -o /dev/null "${REG%/}/left-pad"; then
	t_skip "check-online (recipes): the npm registry ($REG) is not reachable from this host"
else
	rm -rf "$H/.npm" "$H/.cache/pnpm" "$H/.local/share/pnpm" "$H/.cache/yarn"
	P=$RT_TOP/npm
	mkdir -p "$P" && cd "$P" || exit 1
	echo '{"name":"t","version":"1.0.0","dependencies":{"left-pad":"1.3.0","is-number":"7.0.0"}}' >package.json
	t_expect "npm install (writing the lockfile) from the registry succeeds inside" 0 \
		"$CAN" run -r node -r npm -- npm install --no-audit
	t_expect "... and writes package-lock.json" 0 test -f package-lock.json
	rm -rf node_modules "$H/.npm"
	t_expect "npm ci of that lockfile, with an empty cache, succeeds inside" 0 \
		"$CAN" run -r node -r npm -- npm ci --no-audit
	t_grep "... adding both packages" "added 2 packages" "$T_OUT"
	t_nogrep "... with no refusal" "can: refused" "$T_ERR"
	t_run "$CAN" run -r node -- node -e 'console.log(require("left-pad")("x", 3), require("is-number")(7))'
	t_grep "... and they load" "^  x true$" "$T_OUT"

	P=$RT_TOP/pnpm
	mkdir -p "$P" && cd "$P" || exit 1
	echo '{"name":"t","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}}' >package.json
	t_expect "npx pnpm install succeeds inside (-r node -r npm -r pnpm)" 0 \
		"$CAN" run -r node -r npm -r pnpm -- npx -y pnpm@8 install
	t_nogrep "... with no refusal" "can: refused" "$T_ERR"
	t_expect "... writing pnpm-lock.yaml and node_modules/left-pad" 0 \
		test -f pnpm-lock.yaml -a -f node_modules/left-pad/index.js
	t_expect "... its store where pnpm.toml says" 0 test -d "$H/.local/share/pnpm/store"

	P=$RT_TOP/yarn
	mkdir -p "$P" && cd "$P" || exit 1
	echo '{"name":"t","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}}' >package.json
	t_expect "npx yarn install (classic) succeeds inside (-r node -r npm -r yarn)" 0 \
		"$CAN" run -r node -r npm -r yarn -- npx -y yarn@1 install --non-interactive
	t_nogrep "... with no refusal" "can: refused" "$T_ERR"
	t_expect "... writing yarn.lock and node_modules/left-pad" 0 \
		test -f yarn.lock -a -f node_modules/left-pad/index.js
	t_expect "... its cache where yarn.toml says" 0 test -d "$H/.cache/yarn"

	# bun and deno ship as npm packages (the binary in a platform package).
	P=$RT_TOP/bun
	mkdir -p "$P" && cd "$P" || exit 1
	echo '{"name":"t","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}}' >package.json
	t_expect "npx bun install succeeds inside (-r node -r npm -r bun)" 0 \
		"$CAN" run -r node -r npm -r bun -- npx -y bun install
	t_nogrep "... with no refusal" "can: refused" "$T_ERR"
	t_expect "... writing node_modules/left-pad" 0 test -f node_modules/left-pad/index.js
	P=$RT_TOP/deno
	mkdir -p "$P" && cd "$P" || exit 1
	printf 'const n: number = 40 + 2;\nconsole.log(n);\n' >main.ts
	t_run "$CAN" run -r node -r npm -r deno -- npx -y deno run main.ts
	t_grep "npx deno run of a TypeScript file works inside (-r node -r npm -r deno)" "^42$" "$T_OUT"
	t_nogrep "... with no refusal" "can: refused" "$T_ERR"
	rm -rf "$H/.npm" "$H/.bun" "$H/.cache/deno"
fi

if curl -sS -m 10 -o /dev/null https://pypi.org/simple/pip/ 2>/dev/null; then
	P=$RT_TOP/pip
	mkdir -p "$P" && cd "$P" || exit 1
	t_expect "pip download from PyPI succeeds inside (-r python -r pip)" 0 \
		"$CAN" run -r python -r pip -- python3 -m pip download --no-deps -d dl six
	t_expect "... and the wheel is there" 0 sh -c 'ls dl/six-*.whl'
else
	t_skip "check-online (recipes): PyPI (https://pypi.org) is not reachable from this host"
fi
t_done
