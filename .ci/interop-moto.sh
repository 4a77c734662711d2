#!/usr/bin/env bash
# Interop prerequisite for cloudwatch-export's *InteropIT: moto's server mode, which speaks the
# X-Ray and CloudWatch Logs wire protocols on loopback. Idempotent and quiet: a venv under a cache
# directory, (re)installed only when moto_server is missing. The tests find it through
# MOTO_SERVER (an explicit path), else this cache path, else ~/.local/bin or PATH.
set -euo pipefail
MOTO_VERSION="${MOTO_VERSION:-5.2.5}"
cache="${TRACEBRIDGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tracebridge}"
venv="$cache/moto-venv"
if [ ! -x "$venv/bin/moto_server" ] || ! "$venv/bin/python" -c "import moto, flask" >/dev/null 2>&1; then
  echo "interop-moto: installing moto[server] $MOTO_VERSION into $venv"
  mkdir -p "$cache"
  if python3 -m venv "$venv" >/dev/null 2>&1; then
    "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  else
    # No venv module (Debian without python3-venv): a user install; the tests also look in ~/.local/bin.
    echo "interop-moto: python3 -m venv unavailable, using pip install --user"
    python3 -m pip install -q --user --disable-pip-version-check "moto[server]==$MOTO_VERSION" \
      || python3 -m pip install -q --user --break-system-packages --disable-pip-version-check "moto[server]==$MOTO_VERSION"
    exit 0
  fi
fi
"$venv/bin/moto_server" --help >/dev/null
echo "interop-moto: $("$venv/bin/python" -c 'import moto; print("moto", moto.__version__)') at $venv/bin/moto_server"
