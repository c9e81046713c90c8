#!/usr/bin/env bash
# recipes/cargo.toml with the real cargo: `cargo build --offline` from
# clean of a crate with a vendored dependency (source replacement in
# .cargo/config.toml) and a build script, then `cargo test --offline`.
# The wall: ~/.cargo/credentials.toml (the crates.io token) does not exist
# inside while ~/.cargo/config.toml is readable; CARGO_REGISTRY_TOKEN, the
# token-by-environment path cargo.toml documents, reaches cargo (its build
# script sees it). Also: the run leaves ~/.cargo/.package-cache (cargo's
# lock file) alone; an earlier cargo.toml made it a folder on the host,
# which broke cargo outside the sandbox too.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
# Debian's cargo and rustc (a rustup install in another user's home is not
# on the test user's PATH).
rt_need cargo rustc

H=$T_HOME
rm -rf "$H/.cargo"
mkdir -p "$H/.cargo"
printf '[cargo-new]\nvcs = "none"\n' >"$H/.cargo/config.toml"
printf '[registry]\ntoken = "cio-HOME-SECRET-8"\n' >"$H/.cargo/credentials.toml"
A=$RT_TOP/app
mkdir -p "$A/src" "$A/vendor/dep/src" "$A/.cargo"
cd "$A" || exit 1
cat >Cargo.toml <<'T'
[package]
name = "app"
version = "0.1.0"
edition = "2021"
build = "build.rs"

[dependencies]
dep = "1.0"
T
cat >src/main.rs <<'R'
fn main() { println!("{}", dep::x()); }

#[cfg(test)]
mod tests {
    #[test]
    fn x_is_42() { assert_eq!(dep::x(), 42); }
}
R
# The build script reports whether the token reached it (its length only).
cat >build.rs <<'R'
fn main() {
    let n = std::env::var("CARGO_REGISTRY_TOKEN").map(|v| v.len()).unwrap_or(0);
    println!("cargo:warning=registry token length {}", n);
}
R
printf '[package]\nname = "dep"\nversion = "1.0.0"\nedition = "2021"\n' >vendor/dep/Cargo.toml
printf 'pub fn x() -> i32 { 42 }\n' >vendor/dep/src/lib.rs
printf '{"files":{},"package":"%s"}\n' "$(printf dep | sha256sum | cut -d' ' -f1)" >vendor/dep/.cargo-checksum.json
printf '[source.crates-io]\nreplace-with = "vendored"\n\n[source.vendored]\ndirectory = "vendor"\n' >.cargo/config.toml

# --- the workload ---
CARGO_REGISTRY_TOKEN=cio-env-token-9 t_expect \
	"cargo build --offline from clean (vendored crate, build script) succeeds inside" 0 \
	"$CAN" run -r cargo -- cargo build --offline
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_grep "CARGO_REGISTRY_TOKEN reached cargo (its build script saw it)" \
	"registry token length 15" "$T_ERR"
t_grep "the binary it built works" "^42$" "$(./target/debug/app 2>&1)"
t_expect "cargo test --offline succeeds inside" 0 "$CAN" run -r cargo -- cargo test --offline
t_grep "... and the test passes" "test tests::x_is_42 ... ok" "$T_OUT"
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
if [ -d "$H/.cargo/.package-cache" ]; then
	t_fail "the run did not make ~/.cargo/.package-cache a folder on the host"
else
	t_ok "the run did not make ~/.cargo/.package-cache a folder on the host"
fi

# --- the wall ---
t_hidden "$H/.cargo/credentials.toml" cio-HOME-SECRET-8 -r cargo
t_visible "$H/.cargo/config.toml" -r cargo
rm -rf "$H/.cargo"
t_done
