#!/usr/bin/env bash
# The recipes whose whole point is a credential kept outside: gh.toml,
# ssh-agent.toml, gpg.toml and docker-config.toml, with the real tools.
#   gh:         ~/.config/gh/hosts.yml (an OAuth token) absent inside; `gh
#               auth token` there gives GH_TOKEN's value instead.
#   ssh-agent:  ~/.ssh/id_ed25519 absent inside; the agent's socket in
#               $XDG_RUNTIME_DIR works: `ssh-add -L` lists the key and
#               `ssh-keygen -Y sign` signs with it, and the signature
#               verifies on the host.
#   gpg:        ~/.gnupg absent inside; a signature made on the host with
#               the secret key verifies inside against the public-only
#               keyring gpg.toml names, which holds no secret key.
#   docker:     ~/.docker/config.json (registry auths) absent inside;
#               DOCKER_CONFIG points at the auth-free folder, which the
#               docker client reads; DOCKER_AUTH_CONFIG is passed through.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"

H=$T_HOME
cd "$RT_TOP" || exit 1

# --- gh ---
if command -v gh >/dev/null; then
	rm -rf "$H/.config/gh" "$H/.local/state/canister/gh"
	mkdir -p "$H/.config/gh"
	printf 'github.com:\n    oauth_token: gho_HOME-SECRET-19\n    user: test\n    git_protocol: https\n' >"$H/.config/gh/hosts.yml"
	t_run env -u GH_TOKEN -u GITHUB_TOKEN gh auth token
	t_grep "control: gh on the host reads the token from hosts.yml" "gho_HOME-SECRET-19" "$T_OUT"
	t_hidden "$H/.config/gh/hosts.yml" gho_HOME-SECRET-19 -r gh
	t_run "$CAN" run -r gh -- gh auth token
	t_nogrep "gh inside has no token from hosts.yml" "gho_HOME-SECRET-19" "$T_OUT$T_ERR"
	t_run env GH_TOKEN=gh-env-token-20 "$CAN" run -r gh -- gh auth token
	t_grep "gh inside uses GH_TOKEN" "^gh-env-token-20$" "$T_OUT"
	t_nogrep "... with no refusal" "can: refused" "$T_ERR"
	rm -rf "$H/.config/gh"
else
	t_skip "gh is not installed"
fi

# --- ssh-agent ---
if command -v ssh-agent >/dev/null && command -v ssh-keygen >/dev/null; then
	rm -rf "$H/.ssh"
	mkdir -p "$H/.ssh" "$RT_TOP/run"
	chmod 700 "$H/.ssh" "$RT_TOP/run"
	ssh-keygen -q -t ed25519 -N '' -C canister-test -f "$H/.ssh/id_ed25519"
	cp "$H/.ssh/id_ed25519.pub" "$RT_TOP/key.pub"
	export XDG_RUNTIME_DIR=$RT_TOP/run
	eval "$(ssh-agent -s -a "$XDG_RUNTIME_DIR/ssh-agent.socket")" >/dev/null
	RT_PIDS+=("$SSH_AGENT_PID")
	ssh-add -q "$H/.ssh/id_ed25519" 2>/dev/null
	t_hidden "$H/.ssh/id_ed25519" "OPENSSH PRIVATE KEY" -r ssh-agent
	t_run "$CAN" run -r ssh-agent -- ssh-add -L
	t_grep "ssh-add -L inside lists the agent's key" "canister-test$" "$T_OUT"
	echo "signed text" >msg.txt
	t_expect "ssh-keygen -Y sign inside signs through the agent" 0 \
		"$CAN" run -r ssh-agent -- ssh-keygen -Y sign -f key.pub -n file msg.txt
	printf 'test %s\n' "$(cut -d' ' -f1,2 key.pub)" >allowed
	t_expect "... and the signature verifies on the host" 0 \
		sh -c 'ssh-keygen -Y verify -f allowed -I test -n file -s msg.txt.sig < msg.txt'
	t_run env SSH_AUTH_SOCK= "$CAN" run -r ssh-agent -- ssh-add -L
	t_nogrep "control: without SSH_AUTH_SOCK nothing inside reaches the agent" "canister-test$" "$T_OUT"
	kill "$SSH_AGENT_PID" 2>/dev/null
	unset XDG_RUNTIME_DIR SSH_AUTH_SOCK SSH_AGENT_PID
	rm -rf "$H/.ssh"
else
	t_skip "ssh-agent or ssh-keygen is not installed"
fi

# --- gpg ---
if command -v gpg >/dev/null; then
	PUB=$H/.local/share/canister/gnupg
	rm -rf "$H/.gnupg" "$PUB"
	mkdir -p "$H/.gnupg" "$PUB"
	chmod 700 "$H/.gnupg" "$PUB"
	printf 'GPG-HOME-SECRET-21\n' >"$H/.gnupg/planted-secret"
	gpg --batch -q --passphrase '' --quick-gen-key 'Canister Test <gpg@example.invalid>' ed25519 sign never 2>/dev/null
	echo "release" >rel.txt
	gpg --batch -q --detach-sign rel.txt 2>/dev/null
	gpg --batch -q --export gpg@example.invalid | gpg --homedir "$PUB" --batch -q --import 2>/dev/null
	t_hidden "$H/.gnupg/planted-secret" GPG-HOME-SECRET-21 -r gpg
	t_run "$CAN" run -r gpg -- gpg --batch --verify rel.txt.sig rel.txt
	t_grep "gpg --verify inside checks the host's signature against the public keyring" "Good signature" "$T_ERR"
	t_run "$CAN" run -r gpg -- gpg --batch --list-secret-keys
	t_nogrep "... which holds no secret key" "gpg@example.invalid" "$T_OUT"
	t_run "$CAN" run -r gpg -- gpg --batch --yes -q --detach-sign -o rel2.sig rel.txt
	if [ "$T_RC" != 0 ] && [ ! -s rel2.sig ]; then
		t_ok "signing inside is not possible"
	else
		t_fail "signing inside is not possible (exit $T_RC)"
	fi
	gpgconf --kill all 2>/dev/null
	gpgconf --homedir "$PUB" --kill all 2>/dev/null
	rm -rf "$H/.gnupg" "$PUB"
else
	t_skip "gpg is not installed"
fi

# --- docker-config ---
rm -rf "$H/.docker" "$H/.config/canister/docker"
mkdir -p "$H/.docker" "$H/.config/canister/docker"
printf '{"auths":{"registry.example":{"auth":"%s"}}}\n' "$(printf 'u:DOCKER-HOME-SECRET-22' | base64)" >"$H/.docker/config.json"
printf '{"psFormat":"table {{.ID}}"}\n' >"$H/.config/canister/docker/config.json"
t_hidden "$H/.docker/config.json" "$(printf 'u:DOCKER-HOME-SECRET-22' | base64)" -r docker-config
t_visible "$H/.config/canister/docker/config.json" -r docker-config
t_run "$CAN" run -r docker-config -- sh -c 'echo "$DOCKER_CONFIG"'
t_grep "DOCKER_CONFIG points at the auth-free folder" "^$H/.config/canister/docker$" "$T_OUT"
if command -v docker >/dev/null; then
	t_run "$CAN" run -r docker-config -- docker context ls -q
	t_grep "the docker client runs inside and reads it (no daemon needed)" "^default$" "$T_OUT"
fi
t_run env DOCKER_AUTH_CONFIG='{"auths":{}}' "$CAN" run -r docker-config -- sh -c 'echo "$DOCKER_AUTH_CONFIG"'
t_grep "DOCKER_AUTH_CONFIG is passed through" '^\{"auths":\{\}\}$' "$T_OUT"
rm -rf "$H/.docker" "$H/.config/canister"
t_done
