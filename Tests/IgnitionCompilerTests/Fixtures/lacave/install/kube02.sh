#!/bin/sh
# Installs Fedora CoreOS on host 'kube02' of site 'lacave', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/sda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/sda \
    --ignition-url http://elrond.lacave.info:8080/ignition/kube02.ign \
    --ignition-hash sha512-c28103e3c475c909a9d48ca92a877a801f84bfb70f6bb87c315628f9fda94b34dcb118b7baa578001453eeab27d56363bc55ef598ccfa1a7ffc35f310e142c3a \
    --copy-network
