#!/bin/sh
# Installs Fedora CoreOS on host 'k8s-1' of site 'lab', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/vda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/vda \
    --ignition-url http://10.118.10.1:8080/ignition/k8s-1.ign \
    --ignition-hash sha512-b493bf47f19bc2c0dfa7a8eb16da2d9644ca7aba618ca055730e3d0c440a33a7b3ccfda44ce2d15f562dfc234ed51fdeb739f52ad1b95bc7518e377ebd2340d8 \
    --copy-network
