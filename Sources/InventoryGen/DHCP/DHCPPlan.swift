import IgnitionCompiler

/// What a DHCP server hands out on each network with a `dhcp` section: the output model both DHCP
/// backends render (dnsmasq's configuration, Kea's), so that they serve the same leases.
struct DHCPPlan {
    struct Subnet {
        var network: String
        var cidr: IPv4Network
        /// The pool; nil serves the reservations only.
        var pool: (first: IPv4Address, last: IPv4Address)?
        var lease: LeaseTime
        /// The network's gateway; none means the clients get no router (and no default route).
        var router: IPv4Address?
        var dns: [IPv4Address]
        /// The site's domain (option 15).
        var domain: String
        /// The network's `search` (option 119).
        var search: [String]
        var pxe: PXE?
        var reservations: [Reservation]
    }

    struct PXE {
        /// `<base_url>/boot.ipxe`, for iPXE.
        var bootURL: String
        /// Where PXE firmware fetches iPXE by TFTP; nil is the DHCP server itself.
        var nextServer: IPv4Address?
    }

    /// One static NIC address: the NIC's MAC gets it, under the name the zone gives the address.
    struct Reservation {
        var mac: MACAddress
        var address: IPv4Address
        /// The host's name for its primary address, `<host>-<network>` for the others (as in the zone).
        var hostname: String
    }

    var site: String
    var subnets: [Subnet]
    /// The TFTP root dnsmasq serves iPXE from, when a network has PXE (they all share it).
    var tftpRoot: String?

    var isEmpty: Bool { subnets.isEmpty }

    init(_ site: Site) {
        self.site = site.name.value
        // Each host's address names once, then each network picks its own NICs' (host order).
        let names = site.hosts.map { SiteFacts.addressNames(of: $0, in: site) }
        subnets = site.networks.compactMap { network in
            guard let dhcp = network.dhcp else { return nil }
            let name = network.name.value
            var reservations: [Reservation] = []
            for entries in names {
                for entry in entries where entry.nic.network.value == name {
                    reservations.append(Reservation(mac: entry.nic.mac.value, address: entry.address, hostname: entry.name))
                }
            }
            let pxe = dhcp.servesPXE ? site.serve?.baseURL.map {
                PXE(bootURL: DHCPService.bootURL(baseURL: $0.value), nextServer: dhcp.nextServer?.value)
            } : nil
            return Subnet(network: name, cidr: network.cidr.value,
                          pool: dhcp.range.map { ($0.first.value, $0.last.value) },
                          lease: dhcp.effectiveLease, router: network.gateway?.value, dns: network.dns.map(\.value),
                          domain: site.domain.value,
                          search: network.search.map(\.value),
                          pxe: pxe, reservations: reservations)
        }
        tftpRoot = site.networks.first { $0.dhcp?.servesPXE == true }?.dhcp?.effectiveTFTPRoot
    }
}
