#!/usr/bin/env bash
# deno task bench:peers: installs the peers' system packages when they are missing (as root,
# with apt), then runs bench/peers.ts, which writes bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/libopenblas.so.0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench:peers needs python3-torch and libopenblas0-pthread:" >&2
    echo "  apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread" >&2
    exit 2
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread >/dev/null
fi
exec npx -y deno@2.9.6 run --allow-read=. --allow-run=/usr/bin/python3 \
  --allow-write=bench/RESULTS.md --allow-env bench/peers.ts "$@"
