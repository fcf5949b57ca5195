import IgnitionCompiler

extension LibvirtLab {
    /// `networks/<network>.xml`: a libvirt network (network.rng) for one site network.
    ///
    /// The lab host's address on the bridge (`libvirt.address`, else the gateway, else the first
    /// free address: `hostAddress`) is where libvirt's dnsmasq listens and serves the DNS names
    /// and DHCP reservations of the site's static addresses. A network without one (an isolated
    /// network with nothing to serve) has no `<ip>`, hence no dnsmasq: no `<dns>` either. A
    /// bridge-mode network is only a name for the lab host's existing bridge: libvirt allows no
    /// `<ip>`, `<dns>` or STP settings there.
    func networkElement(_ network: Network) -> XML.Element {
        guard let libvirt = network.libvirt else { preconditionFailure("not a lab network") }
        var elements: [XML.Element] = [
            XML.Element("name", text: networkName(network.name.value)),
            XML.Element("uuid", text: Self.networkUUID(site: site, network: network)),
        ]
        if libvirt.mode.value == .bridge {
            elements.append(XML.Element("forward", [("mode", "bridge")]))
            if let bridge = libvirt.bridge { elements.append(XML.Element("bridge", [("name", bridge.value)])) }
            return XML.Element("network", elements: elements)
        }
        switch libvirt.mode.value {
        case .nat, .route: elements.append(XML.Element("forward", [("mode", libvirt.mode.value.rawValue)]))
        case .isolated, .bridge: break
        }
        if let bridge = libvirt.bridge {
            elements.append(XML.Element("bridge", [("name", bridge.value), ("stp", "on"), ("delay", "0")]))
        }
        elements.append(XML.Element("domain", [("name", site.domain.value), ("localOnly", "yes")]))
        guard let address = Self.hostAddress(of: network, in: site).address else {
            return XML.Element("network", elements: elements)
        }

        let statics = staticAddresses(on: network)
        if !statics.isEmpty {
            elements.append(XML.Element("dns", elements: statics.map { entry in
                XML.Element("host", [("ip", entry.address.description)], elements: [
                    XML.Element("hostname", text: entry.name),
                    XML.Element("hostname", text: entry.name + "." + site.domain.value),
                ])
            }))
        }
        var dhcp: [XML.Element] = []
        if let range = libvirt.dhcpRange {
            dhcp.append(XML.Element("range", [("start", range.start.value.description), ("end", range.end.value.description)]))
        }
        for entry in statics {
            dhcp.append(XML.Element("host", [("mac", entry.mac.description), ("name", entry.name),
                                             ("ip", entry.address.description)]))
        }
        var ip = XML.Element("ip", [("address", address.description),
                                    ("netmask", network.cidr.value.netmask.description)])
        if !dhcp.isEmpty { ip.children = [.element(XML.Element("dhcp", elements: dhcp))] }
        elements.append(ip)
        return XML.Element("network", elements: elements)
    }

    /// The static addresses on `network` of the hosts that have a VM, in host then NIC order,
    /// named as the zones and the inventory name them.
    func staticAddresses(on network: Network) -> [(mac: MACAddress, address: IPv4Address, name: String)] {
        domains.flatMap { machine in
            SiteFacts.addressNames(of: machine.host, in: site)
                .filter { $0.nic.network.value == network.name.value }
                .map { (mac: $0.nic.mac.value, address: $0.address, name: $0.name) }
        }
    }
}
