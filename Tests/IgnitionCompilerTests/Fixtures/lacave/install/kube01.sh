#!/bin/sh
# Installs Fedora CoreOS on host 'kube01' of site 'lacave', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/sda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/sda \
    --ignition-url http://elrond.lacave.info:8080/ignition/kube01.ign \
    --ignition-hash sha512-6468c31fba4f37686202fb326654d58033211c8d58fe03e521bcb4d02f936afb1608f72e783feed47fe43e6224cd140748d1375e39baa95a0b90fb15bddb06e1 \
    --copy-network
