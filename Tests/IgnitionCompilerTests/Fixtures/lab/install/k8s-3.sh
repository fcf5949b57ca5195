#!/bin/sh
# Installs Fedora CoreOS on host 'k8s-3' of site 'lab', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/vda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/vda \
    --ignition-url http://10.118.10.1:8080/ignition/k8s-3.ign \
    --ignition-hash sha512-086e35114ee6c5690bcf429b370a6b79c8f09fefe02bf0fc8b3e64b40ceb12656cdb7d39e1e2f0bd7839cf81e3a7f849e5fba90ea99afb6b9d6b48efa60481f2 \
    --copy-network
