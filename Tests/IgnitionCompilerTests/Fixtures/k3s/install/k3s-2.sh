#!/bin/sh
# Installs Fedora CoreOS on host 'k3s-2' of site 'maison', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/sda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/sda \
    --ignition-url http://192.168.50.2:8080/ignition/k3s-2.ign \
    --ignition-hash sha512-766b4976be4e235594ba6af8753dc6a9d08cca44bf45108aa02a5b2437b9247ec56b45917f7e72936e42c60823bcaecf14f2c74de9ad2db082f504d2d14ea95d \
    --copy-network
