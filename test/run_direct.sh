#!/usr/bin/env bash
# egress = "direct": refused with 126 (the uplink is not built yet,
# docs/adr/0121), naming what to install when neither pasta nor slirp4netns is.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

TOP=$(mktemp -d /tmp/candirect.XXXXXX)
trap 'rm -rf "$TOP"' EXIT
cd "$TOP" || exit 1
printf '[network]\negress = "direct"\n' >"$TOP/direct.toml"
mkdir -p "$TOP/bin"

# A PATH with neither tool: the message says what to install.
PATH=/usr/bin:/bin t_expect "control: the same run without the recipe runs" 0 "$CAN" run -- true
if command -v pasta >/dev/null || command -v slirp4netns >/dev/null; then
	t_skip "pasta or slirp4netns is installed here: the not-installed message is not reachable"
else
	t_expect "egress = direct with neither tool is 126" 126 "$CAN" run -r "$TOP/direct.toml" -- touch "$TOP/m1"
	t_grep "... naming what to install" 'can: network: egress = "direct" needs pasta or slirp4netns .*apt-get install passt' "$T_ERR"
	[ ! -e "$TOP/m1" ] && t_ok "... and the command never ran" || t_fail "the command ran"
fi
# A tool in the PATH (a stand-in that would record being run): still 126, fail closed.
printf '#!/bin/sh\ntouch "%s/ran-pasta"\n' "$TOP" >"$TOP/bin/pasta"
chmod +x "$TOP/bin/pasta"
PATH=$TOP/bin:$PATH t_expect "egress = direct with pasta in the PATH is 126 until the uplink is built" 126 "$CAN" run -r "$TOP/direct.toml" -- touch "$TOP/m2"
t_grep "... saying so" 'egress = "direct": the uplink through pasta is not built yet' "$T_ERR"
[ ! -e "$TOP/m2" ] && [ ! -e "$TOP/ran-pasta" ] && t_ok "... and neither the command nor pasta ran" || t_fail "something ran"
t_done
