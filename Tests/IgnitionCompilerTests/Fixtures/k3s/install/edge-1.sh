#!/bin/sh
# Installs Flatcar Container Linux on host 'edge-1' of site 'maison', written by igncc.
# Run it as root in the host's Flatcar Container Linux live system: it erases /dev/sda.
# flatcar-install takes a local file only: the config is downloaded, refused unless its
# SHA-512 is the one below, then installed.
set -eu

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
curl -fsSL -o "$tmp/edge-1.ign" http://192.168.50.2:8080/ignition/edge-1.ign
printf '%s  %s\n' f9ed7e899d50af521bc5305f6606d36989d23a6354ae5f57605bd73d14066eaab68246b354f375cce4bbf102aa4f8b8541ae3cd1c853a39e737bd2eba7fbbc07 "$tmp/edge-1.ign" | sha512sum -c -
flatcar-install -d /dev/sda -i "$tmp/edge-1.ign"
