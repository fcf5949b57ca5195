import IgnitionCompiler

extension LibvirtLab {
    /// The lab host's address on a lab network's bridge (the `<ip>` of the network XML, where
    /// libvirt's dnsmasq listens), and where it comes from.
    enum HostAddress: Equatable {
        /// `libvirt.address`, as written.
        case explicit(Located<IPv4Address>)
        /// The network's gateway: the default.
        case gateway(Located<IPv4Address>)
        /// No gateway: the lowest address of the network nothing else uses.
        case firstFree(IPv4Address)
        /// No address: a bridge-mode network (the bridge is the lab host's own), or an isolated
        /// network without gateway, DHCP range or `address` (a bare layer-2 segment).
        case none
        /// No gateway, and every address of the network is taken.
        case exhausted

        var address: IPv4Address? {
            switch self {
            case .explicit(let a), .gateway(let a): return a.value
            case .firstFree(let a): return a
            case .none, .exhausted: return nil
            }
        }
    }

    /// `libvirt.address`, else the gateway, else (for `nat` and `route`, which need the lab host
    /// as the VMs' router, and for a network with a DHCP range, which dnsmasq serves from it) the
    /// lowest address of the network that is no NIC's, not the VIP, no DNS A record's (nor an
    /// API extra address), not the PXE `next_server`, and in neither DHCP range (libvirt's, the
    /// network's `dhcp`). Deterministic: a function of the site alone.
    static func hostAddress(of network: Network, in site: Site) -> HostAddress {
        guard let libvirt = network.libvirt, libvirt.mode.value != .bridge else { return .none }
        if let address = libvirt.address { return .explicit(address) }
        if let gateway = network.gateway { return .gateway(gateway) }
        guard libvirt.mode.value != .isolated || libvirt.dhcpRange != nil else { return .none }
        return firstFreeAddress(of: network, in: site).map(HostAddress.firstFree) ?? .exhausted
    }

    private static func firstFreeAddress(of network: Network, in site: Site) -> IPv4Address? {
        let cidr = network.cidr.value
        var used = Set<UInt32>()
        func use(_ address: IPv4Address?) {
            if let address, cidr.contains(address) { used.insert(address.value) }
        }
        for host in site.hosts {
            for nic in host.nics { use(nic.address?.value) }
        }
        use(site.kubernetes?.api?.vip?.value)
        for extra in site.kubernetes?.api?.extraAddresses ?? [] { use(extra.value) }
        for record in site.dns?.records ?? [] where record.type.value == .A { use(IPv4Address(record.value.value)) }
        use(network.dhcp?.nextServer?.value)
        // A /31 or /32 has no network or broadcast address to skip (RFC 3021).
        let reserved = cidr.prefixLength < 31
        var candidate = UInt64(cidr.first.value) + (reserved ? 1 : 0)
        let last = UInt64(cidr.last.value) - (reserved ? 1 : 0)
        // libvirt's own DHCP range, and the pool of the network's `dhcp` (which a DHCP server run on
        // the lab bridge to rehearse PXE would lease).
        var ranges: [(UInt64, UInt64)] = []
        if let range = network.libvirt?.dhcpRange { ranges.append((UInt64(range.start.value.value), UInt64(range.end.value.value))) }
        if let range = network.dhcp?.range { ranges.append((UInt64(range.first.value.value), UInt64(range.last.value.value))) }
        // Each step passes a used address or a whole range: at most one step per NIC, record and range.
        while candidate <= last {
            if let range = ranges.first(where: { $0.0 <= candidate && candidate <= $0.1 }) {
                candidate = range.1 + 1
            } else if used.contains(UInt32(candidate)) {
                candidate += 1
            } else {
                return IPv4Address(UInt32(candidate))
            }
        }
        return nil
    }
}
