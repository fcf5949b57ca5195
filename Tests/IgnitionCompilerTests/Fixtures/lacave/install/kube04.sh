#!/bin/sh
# Installs Flatcar Container Linux on host 'kube04' of site 'lacave', written by igncc.
# Run it as root in the host's Flatcar Container Linux live system: it erases /dev/nvme0n1.
# flatcar-install takes a local file only: the config is downloaded, refused unless its
# SHA-512 is the one below, then installed.
set -eu

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
curl -fsSL -o "$tmp/kube04.ign" http://elrond.lacave.info:8080/ignition/kube04.ign
printf '%s  %s\n' fd4c248b17e1150f8dd642b374edb7b7145448c137c0f0e2cfd7a4acc2b5e1cdd6ff148a726587669f9b83b711b87f23cdc2f820bbf232b8e9b45fe9e074dff1 "$tmp/kube04.ign" | sha512sum -c -
flatcar-install -d /dev/nvme0n1 -i "$tmp/kube04.ign"
