#!/bin/sh
# Installs Fedora CoreOS on host 'k3s-3' of site 'maison', written by igncc.
# Run it as root in the host's Fedora CoreOS live system: it erases /dev/sda.
# coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
# the one below: plain HTTP is safe.
set -eu

coreos-installer install /dev/sda \
    --ignition-url http://192.168.50.2:8080/ignition/k3s-3.ign \
    --ignition-hash sha512-f13de5657a65d68c37dcea8ab448a177625cc76422cd3856fc2b42a030c1428f6f609d17f05c3fb88e7879a9164bc57d2b9c67ddae4f0e4119aae8cbc2f9c50c \
    --copy-network
