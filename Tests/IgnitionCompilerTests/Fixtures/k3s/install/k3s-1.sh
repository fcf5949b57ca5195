#!/bin/sh
# Installs Fedora CoreOS on host 'k3s-1' of site 'maison', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/sda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/sda \
    --ignition-url http://192.168.50.2:8080/ignition/k3s-1.ign \
    --ignition-hash sha512-57f0771e1a0c96c29e475b0acbef4233971c24dc3a1f33ede5f35858414e93e324ea173e815c9c68d9740491dfd7b14f78f2698d7c4509cd858d04dd36fb8da5 \
    --copy-network
