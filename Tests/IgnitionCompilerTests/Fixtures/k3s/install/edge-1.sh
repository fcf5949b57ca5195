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
printf '%s  %s\n' c202af68f3f6a675162a6bbb7d041bb9c36bd13da6bb3450196c6b2c7bfc90ac2fada5395ddd4123722681d21bd3d0189fc41d43e1022e94e4e82564cd5b2e59 "$tmp/edge-1.ign" | sha512sum -c -
flatcar-install -d /dev/sda -i "$tmp/edge-1.ign"
