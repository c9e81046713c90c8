# test/recipe_tools_lib.sh: sourced by test/recipe_tools*.sh after lib.sh and
# t_drop_to_user. The real tools run inside `can run -r RECIPE...` on a real
# offline workload; these helpers give each test a scratch folder under the
# test user's home (not /tmp: the sandbox's /tmp is its own), a local
# registry on the host's loopback (reached inside as host.canister.local
# through the egress proxy), and the check that a credential file planted in
# the home is there on the host and absent inside.

RT_TOP=$(mktemp -d "$HOME/canrt.XXXXXX")
RT_PIDS=()
rt_cleanup() {
	local p
	for p in "${RT_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$RT_TOP"
}
trap rt_cleanup EXIT

# rt_need PROGRAM...: skips the whole script (one SKIP line) when one is missing.
rt_need() {
	local p
	for p in "$@"; do
		if ! command -v "$p" >/dev/null 2>&1; then
			t_skip "$(basename "$0"): $p is not installed (add its package to .ci/deps)"
			t_done
		fi
	done
}

# rt_registry ROOT: serves ROOT on 127.0.0.1; sets RT_PORT, RT_LOG and
# RT_HOST (host.canister.local:PORT, the name inside), and writes
# $RT_TOP/loop.toml, the layer that lets the proxy reach it.
rt_registry() {
	RT_LOG=$RT_TOP/registry.log
	: >"$RT_LOG"
	python3 "$CAN_SRCDIR/test/recipe_tools_registry.py" serve "$1" "$RT_TOP/port" "$RT_LOG" &
	RT_PIDS+=($!)
	local i
	for i in $(seq 200); do [ -s "$RT_TOP/port" ] && break; sleep 0.05; done
	RT_PORT=$(cat "$RT_TOP/port")
	RT_HOST=host.canister.local:$RT_PORT
	cat >"$RT_TOP/loop.toml" <<'T'
# The local registry on the host's loopback, through the proxy.
[network]
egress = "proxy-only"
allow_host_loopback = true
T
}

# rt_npm_registry: a local npm registry folder served by rt_registry: the
# package "dep" 1.0.0 (module.exports = 42), packed by npm itself, and its
# packument (index.json) pointing at the tarball through host.canister.local.
rt_npm_registry() {
	local R=$RT_TOP/registry
	mkdir -p "$R/dep/-" "$RT_TOP/src/dep"
	(cd "$RT_TOP/src/dep" &&
		echo '{"name":"dep","version":"1.0.0","main":"index.js"}' >package.json &&
		echo 'module.exports = 42;' >index.js &&
		npm pack --silent >/dev/null && mv dep-1.0.0.tgz "$R/dep/-/")
	rt_registry "$R"
	local tgz=$R/dep/-/dep-1.0.0.tgz integrity shasum
	integrity=sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)
	shasum=$(sha1sum "$tgz" | cut -d' ' -f1)
	cat >"$R/dep/index.json" <<J
{"name":"dep","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"name":"dep","version":"1.0.0",
 "main":"index.js","dist":{"tarball":"http://$RT_HOST/dep/-/dep-1.0.0.tgz","integrity":"$integrity","shasum":"$shasum"}}}}
J
}

# The layer that lets `cat` run next to a recipe that pins its programs
# (allow_execve), so the credential check reads with the same program
# whatever the recipe.
cat >"$RT_TOP/cat.toml" <<'T'
[process]
allow_execve = ["/usr/bin/cat"]
T

# t_hidden FILE SECRET RECIPE-ARGS...: FILE holds SECRET on the host, and
# inside `can run RECIPE-ARGS` it does not exist (ENOENT, not merely
# EACCES) or, where a recipe makes its folder visible, is the empty file
# that `deny` puts over it; SECRET is nowhere in the output.
t_hidden() {
	local file=$1 secret=$2
	shift 2
	if grep -q -- "$secret" "$file" 2>/dev/null; then
		t_ok "control: $file holds its secret on the host"
	else
		t_fail "control: $file holds its secret on the host"
	fi
	t_run "$CAN" run "$@" -r "$RT_TOP/cat.toml" -- cat "$file"
	if ! printf '%s%s' "$T_OUT" "$T_ERR" | grep -q -- "$secret" &&
		{ { [ "$T_RC" = 1 ] && printf '%s' "$T_ERR" | grep -q "No such file"; } ||
			{ [ "$T_RC" = 0 ] && [ -z "$T_OUT" ]; }; }; then
		t_ok "$file is absent or empty inside ($*)"
	else
		t_fail "$file is absent or empty inside ($*) (exit $T_RC)"
		t_diag "stdout: $T_OUT" "stderr: $T_ERR"
	fi
}

# t_visible FILE RECIPE-ARGS...: the control for t_hidden: FILE (a
# non-secret neighbour) is readable inside with the same recipes and cat.
t_visible() {
	local file=$1
	shift
	t_run "$CAN" run "$@" -r "$RT_TOP/cat.toml" -- cat "$file"
	if [ "$T_RC" = 0 ] && [ "$T_OUT" = "$(cat "$file")" ]; then
		t_ok "control: $file is readable inside ($*)"
	else
		t_fail "control: $file is readable inside ($*) (exit $T_RC)"
		t_diag "stdout: $T_OUT" "stderr: $T_ERR"
	fi
}

# t_logged DESC PATTERN: the registry's log matches PATTERN.
t_logged() {
	t_grep "$1" "$2" "$(cat "$RT_LOG")"
}
