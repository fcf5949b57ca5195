#!/bin/sh
# Installs Fedora CoreOS on host 'k3s-2' of site 'maison', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/sda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/sda \
    --ignition-url http://192.168.50.2:8080/ignition/k3s-2.ign \
    --ignition-hash sha512-3164337427acf90820a193f31383c93e106a2ff49da5d869ff060e03be6f76255f72c8d5727d212cb94728a9c1665e0f5732fe8b20c0d5dbaf4e213316974af5 \
    --copy-network
