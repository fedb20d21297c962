#!/usr/bin/env bash
# Screenshot of the Pd panel talking to a live bridge (generate mode), under a virtual X server.
# Needs: Xvfb, puredata-gui, imagemagick, jackd2 (Debian). Writes docs/img/pd-panel.png.
#   bash max_patches/pd/screenshot.sh [SIDL]        (SIDL: the sidl command, default .venv/bin/sidl)
set -euo pipefail
cd "$(dirname "$0")/../.."
SIDL="${1:-.venv/bin/sidl}"
DISPLAY_NUMBER=":97"
export JACK_NO_AUDIO_RESERVATION=1
cleanup() { kill "${PD_PID:-}" "${BRIDGE_PID:-}" "${X_PID:-}" "${JACK_PID:-}" 2>/dev/null || true; }
trap cleanup EXIT
if [ "$(jack_wait -c 2>/dev/null)" != "running" ]; then
    jackd --no-realtime -d dummy -r 48000 -p 256 >/dev/null 2>&1 & JACK_PID=$!
    jack_wait -w -t 10 >/dev/null
fi
Xvfb "$DISPLAY_NUMBER" -screen 0 1280x900x24 >/dev/null 2>&1 & X_PID=$!
"$SIDL" run --backend jack --mode generate --bpm 120 >/dev/null 2>&1 & BRIDGE_PID=$!
sleep 3
DISPLAY="$DISPLAY_NUMBER" pd -nosound -nomidi -open max_patches/pd/sidl.pd >/dev/null 2>&1 & PD_PID=$!
sleep 9  # a few bars of feedback
DISPLAY="$DISPLAY_NUMBER" import -window root /tmp/sidl-pd-root.png
# the patch window opens at +40+40 and is 740x870 plus Pd's menu bar
convert /tmp/sidl-pd-root.png -crop 744x906+38+38 +repage docs/img/pd-panel.png
echo "wrote docs/img/pd-panel.png"
