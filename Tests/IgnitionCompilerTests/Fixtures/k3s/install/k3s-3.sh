#!/bin/sh
# Installs Fedora CoreOS on host 'k3s-3' of site 'maison', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/sda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/sda \
    --ignition-url http://192.168.50.2:8080/ignition/k3s-3.ign \
    --ignition-hash sha512-887c5f28a65b586e5f6b9e4906c9d34457d4c5d508e56f90ba2c5e896bab769f6e54be6704a74f7144a4092efa79c1a8846ac3f229cc021e3530afc14437ad1a \
    --copy-network
