#!/usr/bin/env bash
# recipes/ruby.toml with the real bundler: `bundle install --local` of a
# Gemfile whose gem (built here with `gem build`) is in vendor/cache,
# installed into vendor/bundle, then `bundle exec ruby` loading it. The
# wall: ~/.gem/credentials (the rubygems.org API key) and ~/.bundle/config
# (bundler's source credentials) do not exist inside, and bundler does not
# read them; the token-by-environment path ruby.toml documents
# (BUNDLE_<HOST> variables) reaches bundler.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need ruby gem bundle

H=$T_HOME
mkdir -p "$H/.gem" "$H/.bundle" "$RT_TOP/src/lib" "$RT_TOP/app/vendor/cache"
printf -- '---\n:rubygems_api_key: rubygems-HOME-SECRET-14\n' >"$H/.gem/credentials"
printf -- '---\nBUNDLE_RUBYGEMS__PKG__GITHUB__COM: "x:BUNDLE-HOME-SECRET-15"\n' >"$H/.bundle/config"
(cd "$RT_TOP/src" &&
	cat >dep.gemspec <<'G' &&
Gem::Specification.new do |s|
  s.name = "dep"; s.version = "1.0.0"; s.summary = "test"; s.authors = ["test"]
  s.files = ["lib/dep.rb"]
end
G
	echo 'module Dep; X = 42; end' >lib/dep.rb &&
	gem build dep.gemspec >/dev/null 2>&1 && mv dep-1.0.0.gem "$RT_TOP/app/vendor/cache/")
cd "$RT_TOP/app" || exit 1
printf 'source "https://rubygems.org"\ngem "dep"\n' >Gemfile

# --- the workload ---
t_expect "bundle install --local (vendor/cache into vendor/bundle) succeeds inside" 0 \
	"$CAN" run -r ruby -- sh -c 'bundle config set --local path vendor/bundle && bundle install --local'
t_grep "... installing the gem" "Installing dep 1.0.0" "$T_OUT"
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_run "$CAN" run -r ruby -- bundle exec ruby -e 'require "dep"; puts Dep::X'
t_grep "bundle exec loads it inside" "^42$" "$T_OUT"
t_nogrep "... with no refusal" "can: refused" "$T_ERR"

# --- the wall ---
t_hidden "$H/.gem/credentials" rubygems-HOME-SECRET-14 -r ruby
t_hidden "$H/.bundle/config" BUNDLE-HOME-SECRET-15 -r ruby
t_visible "$RT_TOP/app/Gemfile" -r ruby
t_run bundle config get rubygems.pkg.github.com
# bundler redacts the value; it says where it came from.
t_grep "control: bundler on the host reads ~/.bundle/config" "Set for the current user \\($H/.bundle/config\\)" "$T_OUT"
t_run env BUNDLE_RUBYGEMS__PKG__GITHUB__COM=x:bundle-env-token-16 "$CAN" run -r ruby -- bundle config get rubygems.pkg.github.com
t_nogrep "bundler inside does not" "Set for the current user|BUNDLE-HOME-SECRET-15" "$T_OUT$T_ERR"
t_grep "... and takes the credentials from BUNDLE_RUBYGEMS__PKG__GITHUB__COM" "Set via BUNDLE_RUBYGEMS__PKG__GITHUB__COM" "$T_OUT"
rm -rf "$H/.gem" "$H/.bundle"
t_done
