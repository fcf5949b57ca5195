#!/bin/sh
# Installs Fedora CoreOS on host 'kube03' of site 'lacave', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/sda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/sda \
    --ignition-url http://elrond.lacave.info:8080/ignition/kube03.ign \
    --ignition-hash sha512-f2ea156b760f9a5f1c9529b0ee752f40031d981076740275db8b02e089ad1898f5d6337f545e3e7d912a76ff9c26ce7ebeaf2a7e2ea736c14dbc1ec6de813c39 \
    --copy-network
