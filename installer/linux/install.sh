#!/usr/bin/env bash
# Install the built bundle system-wide on Linux: /opt/ozq-desktop, a menu entry and an icon.
# Run as root after `python installer/build.py`. User data stays in each user's data folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
install -d /opt/ozq-desktop
cp -a "$root/dist/ozq-desktop/." /opt/ozq-desktop/
install -Dm644 "$here/ozq-desktop.desktop" /usr/share/applications/ozq-desktop.desktop
install -Dm644 "$root/installer/icons/ozq-desktop.png" /usr/share/icons/hicolor/256x256/apps/ozq-desktop.png
echo "Installed to /opt/ozq-desktop"
