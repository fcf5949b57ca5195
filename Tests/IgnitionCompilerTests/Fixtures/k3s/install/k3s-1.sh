#!/bin/sh
# Installs Fedora CoreOS on host 'k3s-1' of site 'maison', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/sda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/sda \
    --ignition-url http://192.168.50.2:8080/ignition/k3s-1.ign \
    --ignition-hash sha512-e161ea1ada63d56e97aa1364d00605e20a9de683dea22ca557f5056136cc49b7533bc022a36bae51cb9bbf0f2e362a39e8b51dfb838d38a32c2399b436a1c518 \
    --copy-network
