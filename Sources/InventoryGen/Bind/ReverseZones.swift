import IgnitionCompiler

/// `in-addr.arpa` zones for the site's networks: zones on octet boundaries (/8, /16, /24) — as many
/// as cover a network whose prefix falls between them — and an RFC 2317 classless zone
/// (`<first>-<prefix>.<c>.<b>.<a>.in-addr.arpa`) for a network longer than /24.
enum ReverseZones {
    static let arpa = ["in-addr", "arpa"]

    /// The zone blocks of one network: (block, zone name, classless parent).
    static func blocks(of network: IPv4Network) -> [(block: IPv4Network, name: DomainName, parent: DomainName?)] {
        let p = network.prefixLength
        if p > 24 {
            let o = network.address.octets
            let parent = DomainName(labels: [String(o[2]), String(o[1]), String(o[0])] + arpa)
            return [(network, DomainName(labels: ["\(o[3])-\(p)"] + parent.labels), parent)]
        }
        let boundary = p <= 8 ? 8 : p <= 16 ? 16 : 24
        let count = 1 << (boundary - p)
        let step = UInt32(1) << UInt32(32 - boundary)
        return (0..<count).map { i in
            let block = IPv4Network(address: IPv4Address(network.address.value &+ UInt32(i) &* step), prefixLength: boundary)
            let octets = block.address.octets.prefix(boundary / 8).reversed().map(String.init)
            return (block, DomainName(labels: octets + arpa), nil)
        }
    }

    /// The PTR owner of `address` inside the zone of `block`.
    static func owner(of address: IPv4Address, block: IPv4Network, zone: DomainName) -> DomainName {
        let o = address.octets.map(String.init)
        if block.prefixLength > 24 { return DomainName(labels: [o[3]] + zone.labels) }
        let kept = block.prefixLength / 8
        return DomainName(labels: o[kept...].reversed() + zone.labels)
    }

    static func make(_ site: Site, pointers: [ZonePlan.Pointer], template: Zone,
                     diagnostics: inout Diagnostics) -> [ZonePlan.ReverseZone] {
        var zones: [ZonePlan.ReverseZone] = []
        for network in site.networks {
            for (block, name, parent) in blocks(of: network.cidr.value) {
                var zone = template
                zone.origin = name
                zone.fileName = "db." + name.text
                zone.header = ["Reverse zone of \(block) (network '\(network.name.value)' \(network.cidr.value)) of site '\(site.name.value)',",
                               "written by igncc; 'igncc build' rewrites it, keeping the serial while the records stay the same."]
                if let parent {
                    zone.header.append("RFC 2317: the zone \(parent.text) delegates each address here with a CNAME,")
                    zone.header.append("e.g. '\(block.address.octets[3]) IN CNAME \(block.address.octets[3]).\(name.absolute)'.")
                }
                zone.sections = []
                zones.append(.init(zone: zone, classlessParent: parent, block: block))
            }
        }
        var placed: [[(IPv4Address, Zone.Record)]] = Array(repeating: [], count: zones.count)
        // One PTR per address: the first pointer to it wins (a host's, then the VIP's, then the
        // API name's extra addresses, then the A records in their order); the others share it.
        var named: Set<IPv4Address> = []
        for pointer in pointers {
            let address = pointer.address.value
            guard named.insert(address).inserted else { continue }
            guard let index = zones.firstIndex(where: { $0.block.contains(address) }) else {
                guard pointer.reportIfUnplaced else { continue }
                diagnostics.error("address \(address) of \(pointer.owner) is in no declared network, so no reverse zone can hold its PTR record ('dns.reverse' is true)",
                                  at: pointer.address.location)
                continue
            }
            let owner = owner(of: address, block: zones[index].block, zone: zones[index].zone.origin)
            placed[index].append((address, Zone.Record(owner: owner, ttl: nil, type: "PTR", data: pointer.target.absolute)))
        }
        for index in zones.indices {
            let records = placed[index].sorted { $0.0 < $1.0 }.map(\.1)
            zones[index].zone.sections = [(nil, records)]
        }
        return zones
    }
}
