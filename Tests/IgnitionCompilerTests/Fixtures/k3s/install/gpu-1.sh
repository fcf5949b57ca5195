#!/bin/sh
# Installs Fedora CoreOS on host 'gpu-1' of site 'maison', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/sda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/sda \
    --ignition-url http://192.168.50.2:8080/ignition/gpu-1.ign \
    --ignition-hash sha512-53f740a00ba076beb87dff6371db877d7f6bf666b302c4bc531026cc50cb073cf70cea62067add91d3eedceae9207fe2c674bb16288361e06c00908e57e74a1f \
    --copy-network
