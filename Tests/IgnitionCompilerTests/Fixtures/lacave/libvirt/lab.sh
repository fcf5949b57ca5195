#!/bin/sh
# The libvirt lab of site 'lacave', written by igncc: VMs that rehearse the real site.
# Run it as a user who may manage qemu:///system (root, or the 'libvirt' group).
#   lab.sh             define and start the networks and VMs (again: changes nothing)
#   lab.sh --destroy   stop and remove them, their disks and configs (again: nothing)
set -eu

usage() {
    cat <<'EOF'
usage: lab.sh [--destroy | --help]

Without arguments: creates each VM's disk (a qcow2 overlay of its OS image) if missing,
copies its Ignition config beside it, defines and starts the site's libvirt networks and
VMs that are not defined or running yet. --destroy undoes all of that.

Needs ../ignition/<host>.ign (build them with: igncc build site.yaml --target ignition),
each OS image named in domains/*.xml (<backingStore>), and the host bridge of each
network in mode bridge (networks/*.xml with <forward mode='bridge'/>).

Environment: VIRSH (default: virsh), LIBVIRT_DEFAULT_URI (default: qemu:///system),
IGNCC_LAB_IMAGES (default: /var/lib/libvirt/images/lacave).
EOF
}

VIRSH="${VIRSH:-virsh}"
LIBVIRT_DEFAULT_URI="${LIBVIRT_DEFAULT_URI:-qemu:///system}"
export LIBVIRT_DEFAULT_URI
# virsh's answers are parsed below: untranslated.
LC_ALL=C
export LC_ALL

# The VMs' disks and Ignition configs. The domain XML names the default directory; with
# IGNCC_LAB_IMAGES set to another one (tests do, to run without root), each domain is
# defined from a copy of its XML with the directory replaced.
default_images='/var/lib/libvirt/images/lacave'
images="${IGNCC_LAB_IMAGES:-$default_images}"
case "$images" in
    /*) ;;
    *) echo "lab.sh: IGNCC_LAB_IMAGES must be an absolute path" >&2; exit 2 ;;
esac
case "$images" in
    *[!A-Za-z0-9/._+-]*)
        echo "lab.sh: IGNCC_LAB_IMAGES may contain only letters, digits and '/._+-'" >&2; exit 2 ;;
esac

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
out=$(dirname -- "$here")
scratch=''
trap 'if [ -n "$scratch" ]; then rm -f -- "$scratch"; fi' EXIT

missing=0
need_config() {
    if [ ! -f "$out/ignition/$1.ign" ]; then
        echo "lab.sh: $out/ignition/$1.ign is missing: build the ignition target (igncc build site.yaml --target ignition)" >&2
        missing=1
    fi
}
need_image() {
    if [ ! -f "$1" ]; then
        echo "lab.sh: the OS image $1 is missing: download it there (or set 'vm.image' in site.yaml)" >&2
        missing=1
    fi
}

# need_bridge BRIDGE NETWORK: a bridge-mode network attaches the VMs to a bridge the lab host
# already has on the real network; libvirt does not create it, and neither does lab.sh.
need_bridge() {
    if [ -z "$(ip link show dev "$1" type bridge 2>/dev/null)" ]; then
        echo "lab.sh: network $2 attaches the VMs to the bridge $1, which this host does not have: create it on the real network's interface first" >&2
        missing=1
    fi
}

network_active() {
    "$VIRSH" net-info "$1" 2>/dev/null | grep -q '^Active: *yes'
}

# network_up NAME FILE: define (with autostart) and start a network unless it is already.
network_up() {
    if ! "$VIRSH" net-info "$1" >/dev/null 2>&1; then
        "$VIRSH" net-define "$here/networks/$2"
        "$VIRSH" net-autostart "$1"
    fi
    if ! network_active "$1"; then
        "$VIRSH" net-start "$1"
    fi
}

# domain_up NAME HOST IMAGE DISK_GIB
domain_up() {
    if [ ! -e "$images/$2.qcow2" ]; then
        qemu-img create -f qcow2 -F qcow2 -b "$3" "$images/$2.qcow2" "${4}G"
    fi
    # Always copied, so that a rebuilt config is the one in place. Ignition runs on a VM's
    # first boot only: to apply a new config, lab.sh --destroy and lab.sh again.
    cp -- "$out/ignition/$2.ign" "$images/$2.ign"
    # QEMU runs as its own user and reads it from there.
    chmod 0644 "$images/$2.ign"
    # Defined every time (a redefinition is harmless, and takes a rebuilt XML); started
    # only when it is not running.
    if [ "$images" = "$default_images" ]; then
        "$VIRSH" define "$here/domains/$2.xml"
    else
        scratch=$(mktemp)
        sed "s|$default_images/|$images/|g" "$here/domains/$2.xml" >"$scratch"
        "$VIRSH" define "$scratch"
        rm -f -- "$scratch"
        scratch=''
    fi
    if [ "$("$VIRSH" domstate "$1")" = "shut off" ]; then
        "$VIRSH" start "$1"
    fi
}

# domain_down NAME HOST
domain_down() {
    if "$VIRSH" dominfo "$1" >/dev/null 2>&1; then
        if [ "$("$VIRSH" domstate "$1")" != "shut off" ]; then
            "$VIRSH" destroy "$1"
        fi
        "$VIRSH" undefine "$1"
    fi
    rm -f -- "$images/$2.qcow2" "$images/$2.ign"
}

# network_down NAME
network_down() {
    if "$VIRSH" net-info "$1" >/dev/null 2>&1; then
        if network_active "$1"; then
            "$VIRSH" net-destroy "$1"
        fi
        "$VIRSH" net-undefine "$1"
    fi
}

up() {
    need_config 'kube01'
    need_config 'kube02'
    need_config 'kube03'
    need_config 'kube04'
    need_image '/var/lib/libvirt/images/fcos.qcow2'
    need_image '/var/lib/libvirt/images/flatcar.qcow2'
    [ "$missing" = 0 ] || exit 1
    mkdir -p -- "$images"
    network_up 'lacave-lan' 'lan.xml'
    domain_up 'lacave-kube01' 'kube01' '/var/lib/libvirt/images/fcos.qcow2' '20'
    domain_up 'lacave-kube02' 'kube02' '/var/lib/libvirt/images/fcos.qcow2' '20'
    domain_up 'lacave-kube03' 'kube03' '/var/lib/libvirt/images/fcos.qcow2' '20'
    domain_up 'lacave-kube04' 'kube04' '/var/lib/libvirt/images/flatcar.qcow2' '40'
}

down() {
    domain_down 'lacave-kube01' 'kube01'
    domain_down 'lacave-kube02' 'kube02'
    domain_down 'lacave-kube03' 'kube03'
    domain_down 'lacave-kube04' 'kube04'
    network_down 'lacave-lan'
    rmdir -- "$images" 2>/dev/null || true
}

if [ "$#" -gt 1 ]; then
    usage >&2
    exit 2
fi
case "${1:-}" in
    '') up ;;
    --destroy) down ;;
    -h | --help) usage ;;
    *) usage >&2; exit 2 ;;
esac
