#!/usr/bin/env bash
# Installs a real VS Code that runs offline (code-server 4.100.3 = VS Code 1.100.3) and headless
# Chromium, for the end-to-end tests. Idempotent: does nothing that is already done.
# Recipe and reasons: ../shared/docs/vscode-e2e-offline.md.
#
#   scripts/install-code-server.sh            # installs into ../.cache-e2e (outside the repo)
#   GAPLENS_E2E_CACHE=/some/dir scripts/install-code-server.sh
#
# Prints the path of the code-server executable on its last line.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# @vscode/ripgrep 1.15.11 (a code-server dependency) fetches this ripgrep build from GitHub; a
# tarball of Debian's rg in its cache folder makes it install offline.
RIPGREP_PKG_VERSION=1.15.11
RIPGREP_BUILD=v13.0.0-10

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${GAPLENS_E2E_CACHE:-$(dirname "$repo")/.cache-e2e}"
prefix="$cache/code-server-$CODE_SERVER_VERSION"
bin="$prefix/node_modules/.bin/code-server"

log() { printf 'install-code-server: %s\n' "$*" >&2; }

need_debs=()
for deb in libkrb5-dev ripgrep chromium; do
  dpkg -s "$deb" >/dev/null 2>&1 || need_debs+=("$deb")
done
if [ "${#need_debs[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${need_debs[*]}; install them as root (apt-get install ${need_debs[*]}) and run again"
    exit 1
  fi
  log "installing Debian packages: ${need_debs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_debs[@]}" >/dev/null
fi

if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null | head -n1 | cut -d' ' -f1)" = "$CODE_SERVER_VERSION" ]; then
  log "code-server $CODE_SERVER_VERSION already installed"
  echo "$bin"
  exit 0
fi

arch="$(uname -m)"
case "$arch" in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64) rg_target=aarch64-unknown-linux-gnu ;;
  *) log "no offline ripgrep recipe for $arch"; exit 1 ;;
esac
tmp="${TMPDIR:-/tmp}"
rg_cache="$tmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
rg_tarball="$rg_cache/ripgrep-$RIPGREP_BUILD-$rg_target.tar.gz"
if [ ! -s "$rg_tarball" ]; then
  log "placing Debian's ripgrep where @vscode/ripgrep looks before downloading"
  mkdir -p "$rg_cache"
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$rg_tarball" -C "$staging" rg
  rm -rf "$staging"
fi

log "installing code-server $CODE_SERVER_VERSION into $prefix (a few minutes)"
mkdir -p "$prefix"
[ -f "$prefix/package.json" ] || printf '{ "name": "gaplens-e2e-code-server", "private": true }\n' >"$prefix/package.json"
(
  cd "$prefix"
  # Its postinstall refuses root without unsafe-perm; node-pty's postinstall runs `npx node-gyp`.
  npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
)
"$bin" --version >/dev/null
log "code-server $CODE_SERVER_VERSION installed"
echo "$bin"
