#!/usr/bin/env bash
# recipes/node.toml + npm.toml with the real npm: `npm install` then `npm ci`
# of a lockfile project against a local registry folder (a packument and a
# packed tarball served on the host's loopback, reached through the proxy),
# with a `file:` tarball dependency and a postinstall script. The wall:
# ~/.npmrc (a registry token) does not exist inside, and npm does not read
# it; the token-by-environment path npm.toml documents (`${NPM_TOKEN}` in
# the project's .npmrc) reaches the registry.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh" "$CAN_SRCDIR/test/recipe_tools_registry.py"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need node npm python3

H=$T_HOME
rm -rf "$H/.npm" "$H/.npmrc"
P=$RT_TOP/app
mkdir -p "$RT_TOP/src/local" "$P/vendor"

# A file: dependency with a postinstall script (lifecycle scripts run under sh).
(cd "$RT_TOP/src/local" &&
	cat >package.json <<'J' &&
{"name":"local","version":"1.0.0","main":"index.js","bin":{"localtool":"tool.js"},
 "scripts":{"postinstall":"node -e \"require('fs').writeFileSync('postinstall.ran','yes')\""}}
J
	echo 'module.exports = "local";' >index.js &&
	printf '#!/usr/bin/env node\nconsole.log("built by localtool")\n' >tool.js && chmod +x tool.js &&
	npm pack --silent >/dev/null && mv local-1.0.0.tgz "$P/vendor/")
rt_npm_registry
cat >"$P/package.json" <<'J'
{"name":"app","version":"1.0.0","scripts":{"build":"localtool"},
 "dependencies":{"dep":"^1.0.0","local":"file:vendor/local-1.0.0.tgz"}}
J
# The project's .npmrc: the registry, and the token by environment.
printf 'registry=http://%s/\n//%s/:_authToken=${NPM_TOKEN}\n' "$RT_HOST" "$RT_HOST" >"$P/.npmrc"
# The home's .npmrc: a token a hostile postinstall would look for, and a
# setting that shows whether npm read the file.
printf '//registry.npmjs.org/:_authToken=NPM-HOME-SECRET-1\ninit-author-name=HOME-NPMRC-READ\n' >"$H/.npmrc"
cd "$P" || exit 1
NPM=(-r node -r npm -r "$RT_TOP/loop.toml")

# --- the workload ---
NPM_TOKEN=npm-env-token-7 t_expect "npm install (writes the lockfile) succeeds inside" 0 \
	"$CAN" run "${NPM[@]}" -- npm install --no-audit
t_grep "... from the local registry" '"resolved": "http://host.canister.local' "$(cat package-lock.json 2>/dev/null)"
t_logged "the token from NPM_TOKEN reached the registry" "^GET /dep auth=Bearer npm-env-token-7$"
rm -rf node_modules "$H/.npm"
: >"$RT_LOG"
NPM_TOKEN=npm-env-token-7 t_expect "npm ci of the lockfile, with an empty cache, then npm run build, succeed inside" 0 \
	"$CAN" run "${NPM[@]}" -- sh -c 'npm ci --no-audit && npm run -s build'
t_grep "... npm ci says what it added" "added 2 packages" "$T_OUT"
t_grep "... and the build script ran the package's program (node_modules/.bin)" "^built by localtool$" "$T_OUT"
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_logged "... fetching the tarball through the proxy" "^GET /dep/-/dep-1.0.0.tgz auth=Bearer npm-env-token-7$"
t_expect "the postinstall script ran (through sh)" 0 test -f node_modules/local/postinstall.ran
t_run "$CAN" run -r node -- node -e 'console.log(require("dep"), require("local"))'
t_grep "the installed modules load inside" "^42 local$" "$T_OUT"
t_expect "the cache was written where npm.toml says (~/.npm)" 0 test -d "$H/.npm/_cacache"

# --- the wall ---
t_hidden "$H/.npmrc" NPM-HOME-SECRET-1 -r node -r npm
t_visible "$P/.npmrc" -r node -r npm
t_run npm config get init-author-name
t_grep "control: npm on the host reads ~/.npmrc" "HOME-NPMRC-READ" "$T_OUT"
t_run "$CAN" run -r node -r npm -- npm config get init-author-name
t_nogrep "npm inside does not read ~/.npmrc" "HOME-NPMRC-READ" "$T_OUT$T_ERR"
rm -rf "$H/.npmrc"
t_done
