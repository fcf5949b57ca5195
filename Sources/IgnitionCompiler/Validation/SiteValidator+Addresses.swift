extension SiteValidator {
    /// Names, MACs, addresses and bridges are unique across the whole site; a duplicate
    /// points back at the first occurrence.
    mutating func checkUniqueness() {
        var names: [String: Located<String>] = [:]
        var macs: [MACAddress: (host: String, location: SourceLocation)] = [:]
        for host in site.hosts {
            let key = host.name.value.lowercased()
            if let first = names[key] {
                diagnostics.error("duplicate host name '\(host.name.value)'", at: host.name.location,
                                  notes: [Diagnostic.Note("'\(first.value)' first defined here", at: first.location)])
            } else {
                names[key] = host.name
            }
            for nic in host.nics {
                if let first = macs[nic.mac.value] {
                    diagnostics.error("MAC address \(nic.mac.value) is used twice", at: nic.mac.location,
                                      notes: [Diagnostic.Note("first used by host '\(first.host)'", at: first.location)])
                } else {
                    macs[nic.mac.value] = (host.name.value, nic.mac.location)
                }
            }
        }
    }

    /// Static addresses are unique across the hosts' NICs. (DNS A records may name any address,
    /// a host's included: the zone rules say which of them gets the PTR.)
    mutating func checkAddresses() {
        var owners: [IPv4Address: (owner: String, location: SourceLocation)] = [:]
        for host in site.hosts {
            for nic in host.nics {
                guard let address = nic.address else { continue }
                if let first = owners[address.value] {
                    diagnostics.error("address \(address.value) is used twice", at: address.location,
                                      notes: [Diagnostic.Note("first used by \(first.owner)", at: first.location)])
                } else {
                    owners[address.value] = ("host '\(host.name.value)'", address.location)
                }
            }
        }
    }

    /// Gateways and DHCP ranges lie inside their network; networks and bridges do not collide.
    mutating func checkNetworks() {
        var bridges: [String: SourceLocation] = [:]
        for (index, network) in site.networks.enumerated() {
            let cidr = network.cidr.value
            let name = network.name.value
            if let gateway = network.gateway {
                if !cidr.contains(gateway.value) {
                    diagnostics.error("gateway \(gateway.value) is outside network '\(name)' (\(cidr))", at: gateway.location)
                } else if cidr.prefixLength < 31 && (gateway.value == cidr.address || gateway.value == cidr.broadcast) {
                    diagnostics.error("gateway \(gateway.value) is the network or broadcast address of \(cidr)", at: gateway.location)
                }
            }
            for other in site.networks[..<index] where other.cidr.value.overlaps(cidr) {
                diagnostics.error("network '\(name)' (\(cidr)) overlaps network '\(other.name.value)' (\(other.cidr.value))",
                                  at: network.cidr.location,
                                  notes: [Diagnostic.Note("'\(other.name.value)' declared here", at: other.cidr.location)])
            }
            guard let libvirt = network.libvirt else { continue }
            if let bridge = libvirt.bridge {
                if let problem = Names.interfaceNameProblem(bridge.value) {
                    diagnostics.error("bridge name '\(bridge.value)' \(problem)", at: bridge.location)
                } else if let first = bridges[bridge.value] {
                    diagnostics.error("bridge '\(bridge.value)' is used by two networks", at: bridge.location,
                                      notes: [Diagnostic.Note("first used here", at: first)])
                }
                bridges[bridge.value] = bridges[bridge.value] ?? bridge.location
            }
            if let range = libvirt.dhcpRange {
                for end in [range.start, range.end] where !cidr.contains(end.value) {
                    diagnostics.error("DHCP range address \(end.value) is outside network '\(name)' (\(cidr))", at: end.location)
                }
                if range.end.value < range.start.value {
                    diagnostics.error("DHCP range ends (\(range.end.value)) before it starts (\(range.start.value))",
                                      at: range.end.location)
                }
                if let gateway = network.gateway, cidr.contains(gateway.value),
                   range.start.value <= gateway.value, gateway.value <= range.end.value {
                    diagnostics.error("gateway \(gateway.value) is inside the DHCP range of network '\(name)'",
                                      at: gateway.location)
                }
            }
        }
    }
}
