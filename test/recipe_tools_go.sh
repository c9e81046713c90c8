#!/usr/bin/env bash
# recipes/go.toml with the real go command: `go build` and `go test` of a
# module with vendored dependencies (no network), then `go build` of a
# module whose dependency comes from a local module proxy (GOPROXY, served
# on the host's loopback through the egress proxy) into the module cache
# go.toml makes writable. The wall: ~/.netrc (which the go command reads
# for private module hosts) does not exist inside; the token-by-environment
# path go.toml documents, credentials in GOPROXY, reaches the go command.
# (Over plain http the go command refuses to send them, so the local proxy
# here is used without; an https one needs the proxy's TLS termination.)
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh" "$CAN_SRCDIR/test/recipe_tools_registry.py"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need go python3

H=$T_HOME
# The caches go.toml names, emptied so that the run fills them.
chmod -R u+w "$H/go" 2>/dev/null
rm -rf "$H/go" "$H/.cache/go-build" "$H/.netrc"
A=$RT_TOP/vendored
mkdir -p "$A/vendor/example.com/dep"
printf 'module example.com/app\n\ngo 1.19\n\nrequire example.com/dep v1.0.0\n' >"$A/go.mod"
cat >"$A/main.go" <<'G'
package main

import (
	"fmt"

	"example.com/dep"
)

func main() { fmt.Println(dep.X()) }
G
cat >"$A/main_test.go" <<'G'
package main

import (
	"testing"

	"example.com/dep"
)

func TestX(t *testing.T) {
	if dep.X() != 42 {
		t.Fatal("dep.X")
	}
}
G
printf 'package dep\n\nfunc X() int { return 42 }\n' >"$A/vendor/example.com/dep/dep.go"
printf '# example.com/dep v1.0.0\n## explicit\nexample.com/dep\n' >"$A/vendor/modules.txt"
printf 'machine proxy.golang.org login x password NETRC-GO-SECRET-6\n' >"$H/.netrc"
cd "$A" || exit 1

# --- the workload ---
t_expect "go build of a module with vendored dependencies succeeds inside" 0 \
	"$CAN" run -r go -- go build -o app .
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_grep "the binary it built works" "^42$" "$(./app)"
t_expect "go test (a test binary run from the build cache) succeeds inside" 0 \
	"$CAN" run -r go -- go test ./...
t_grep "... and passes" "^ok[[:space:]]+example.com/app" "$T_OUT"
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_expect "the build cache is where go.toml says (~/.cache/go-build)" 0 test -d "$H/.cache/go-build"

# A module from a local module proxy into the module cache.
R=$RT_TOP/goproxy
mkdir -p "$R/example.com/dep/@v"
(cd "$R/example.com/dep/@v" && echo v1.0.0 >list &&
	echo '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}' >v1.0.0.info &&
	printf 'module example.com/dep\n' >v1.0.0.mod &&
	python3 -c '
import zipfile
z = zipfile.ZipFile("v1.0.0.zip", "w")
z.writestr("example.com/dep@v1.0.0/go.mod", "module example.com/dep\n")
z.writestr("example.com/dep@v1.0.0/dep.go", "package dep\n\nfunc X() int { return 42 }\n")
z.close()')
rt_registry "$R"
B=$RT_TOP/fetched
mkdir -p "$B"
cp "$A/go.mod" "$A/main.go" "$B/"
cd "$B" || exit 1
GOPROXY=http://$RT_HOST GONOSUMDB=example.com GOFLAGS=-mod=mod t_expect \
	"go build fetching from the GOPROXY given by environment succeeds inside" 0 \
	"$CAN" run -r go -r "$RT_TOP/loop.toml" -- go build -o app .
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_logged "... the module came through the proxy" "^GET /example.com/dep/@v/v1.0.0.zip"
t_expect "... into the module cache go.toml makes writable (~/go/pkg/mod)" 0 \
	test -f "$H/go/pkg/mod/example.com/dep@v1.0.0/dep.go"
t_grep "... and go.sum records it" "^example.com/dep v1.0.0 h1:" "$(cat go.sum 2>/dev/null)"

# --- the wall ---
t_hidden "$H/.netrc" NETRC-GO-SECRET-6 -r go
t_visible "$B/go.mod" -r go
GOPROXY=https://u:go-env-token-7@goproxy.example t_run "$CAN" run -r go -- go env GOPROXY
t_grep "credentials in GOPROXY reach the go command inside" "^https://u:go-env-token-7@goproxy.example$" "$T_OUT"
chmod -R u+w "$H/go" 2>/dev/null
rm -rf "$H/.netrc" "$H/go"
t_done
