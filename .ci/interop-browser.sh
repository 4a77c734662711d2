#!/usr/bin/env bash
# The viewer's browser test (app ViewerInteropIT) drives Debian's headless Chromium through
# chromedriver. Idempotent and quiet: installs only what is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium chromium-driver >/dev/null
/usr/bin/chromium --version
