#!/bin/sh
# Installs Fedora CoreOS on host 'k8s-2' of site 'lab', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/vda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/vda \
    --ignition-url http://10.118.10.1:8080/ignition/k8s-2.ign \
    --ignition-hash sha512-ea3ebd82f72d22b632c427f8dd57742d70ecab8d08d990de6b164404e0c0c0129ab9bc24d2d057a6059726c6ae4216ccf2848f570047ef5e2addf9ac2974e3a5 \
    --copy-network
