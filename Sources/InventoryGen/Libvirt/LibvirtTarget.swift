import IgnitionCompiler

/// `out/libvirt/`: the site as VMs on one machine, to rehearse it before the hardware.
/// `networks/<network>.xml` for each network with a `libvirt` section, `domains/<host>.xml` for
/// each host with a NIC on one of them, and `lab.sh` to define, start and destroy them.
struct LibvirtTarget: Backend {
    var target: BuildTarget { .libvirt }

    /// Bridge names libvirt accepts, and the lab host's address on each bridge (see `hostAddress`):
    /// one given must be a host address of the network that nothing else of the site holds; one
    /// left to the default must exist.
    func validate(_ site: Site, into diagnostics: inout Diagnostics) {
        for network in site.networks {
            if let bridge = network.libvirt?.bridge, let problem = Self.bridgeNameProblem(bridge.value) {
                diagnostics.error("bridge name '\(bridge.value)' \(problem)", at: bridge.location)
            }
            switch LibvirtLab.hostAddress(of: network, in: site) {
            case .explicit(let address):
                checkExplicitAddress(address, of: network, in: site, &diagnostics)
            case .exhausted:
                guard let libvirt = network.libvirt else { continue }
                diagnostics.error("network '\(network.name.value)' (\(network.cidr.value)) has no free address for the lab host's bridge: libvirt mode '\(libvirt.mode.value.rawValue)'\(libvirt.dhcpRange == nil ? "" : " with a DHCP range") needs one; shrink the DHCP range or free an address",
                                  at: libvirt.mode.location, notes: [Diagnostic.Note("network '\(network.name.value)' declared here", at: network.location)])
            case .gateway, .firstFree, .none:
                break
            }
        }
    }

    /// `libvirt.address` is inside its network, not its network or broadcast address, and taken by
    /// no NIC, not the API VIP and not leased by the lab's DHCP range.
    private func checkExplicitAddress(_ address: Located<IPv4Address>, of network: Network, in site: Site,
                                      _ diagnostics: inout Diagnostics) {
        let a = address.value, cidr = network.cidr.value, name = network.name.value
        if !cidr.contains(a) {
            diagnostics.error("libvirt address \(a) is outside network '\(name)' (\(cidr))", at: address.location,
                              notes: [Diagnostic.Note("network '\(name)' declared here", at: network.cidr.location)])
            return
        }
        if cidr.prefixLength < 31 && (a == cidr.address || a == cidr.broadcast) {
            diagnostics.error("libvirt address \(a) is the \(a == cidr.address ? "network" : "broadcast") address of \(cidr)",
                              at: address.location)
            return
        }
        for host in site.hosts {
            for nic in host.nics where nic.address?.value == a {
                diagnostics.error("libvirt address \(a) of network '\(name)' is the address of host '\(host.name.value)'; the lab host needs its own",
                                  at: address.location, notes: [Diagnostic.Note("host '\(host.name.value)' has it here", at: nic.address!.location)])
            }
        }
        if let vip = site.kubernetes?.api?.vip, vip.value == a {
            diagnostics.error("libvirt address \(a) of network '\(name)' is the API VIP; the lab host needs its own",
                              at: address.location, notes: [Diagnostic.Note("the VIP", at: vip.location)])
        }
        if let range = network.libvirt?.dhcpRange, range.start.value <= a, a <= range.end.value {
            diagnostics.error("libvirt address \(a) is inside the DHCP range \(range.start.value)-\(range.end.value) of network '\(name)'",
                              at: address.location, notes: [Diagnostic.Note("DHCP range declared here", at: range.start.location)])
        }
    }

    /// Why libvirt refuses `name` as a bridge name (network.rng's `deviceName`), when the site's
    /// own interface-name rule (no '/', ':', spaces or non-ASCII) has nothing to say about it.
    static func bridgeNameProblem(_ name: String) -> String? {
        let printable = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7f && $0 != "/" && $0 != ":" }
        let libvirt = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)
        }
        return printable && !libvirt ? "may contain only letters, digits, '_', '.' and '-' in libvirt" : nil
    }

    /// NICs that cannot be attached or get no address, hosts that get no VM, a site with no lab at all.
    func check(_ site: Site, explicit: Bool, into diagnostics: inout Diagnostics) {
        let lab = LibvirtLab(site)
        if lab.isEmpty {
            if explicit {
                diagnostics.error("no network has a 'libvirt' section: the libvirt target has nothing to build", at: nil)
            }
            return
        }
        for network in lab.networks { warnOfRouterAddress(network, in: site, &diagnostics) }
        for machine in lab.machines {
            let host = machine.host.name.value
            if machine.nics.isEmpty {
                let message = "host '\(host)' has no NIC on a network with a 'libvirt' section: out/libvirt has no VM for it"
                if explicit {
                    diagnostics.error(message, at: machine.host.location)
                } else {
                    diagnostics.warning(message, at: machine.host.location)
                }
                continue
            }
            for nic in machine.nics where nic.address == nil {
                // On a host bridge the real network's DHCP server answers, not libvirt.
                guard let network = site.network(named: nic.network.value), let libvirt = network.libvirt,
                      libvirt.mode.value != .bridge, libvirt.dhcpRange == nil else { continue }
                diagnostics.warning("NIC \(nic.mac.value) of host '\(host)' uses DHCP, but network '\(nic.network.value)' has no 'dhcp_range': libvirt gives it no address",
                                    at: nic.network.location)
            }
            for nic in machine.leftOut {
                diagnostics.warning("NIC \(nic.mac.value) of host '\(host)' is left out of its VM: network '\(nic.network.value)' has no 'libvirt' section",
                                    at: nic.network.location)
            }
        }
    }

    /// A `nat` or `route` network whose bridge takes the gateway's address by default makes the lab
    /// host the VMs' router at the real router's address: right on a lab host off that network (the
    /// VMs' default route needs it), a clash on one that is on it. igncc cannot tell which, so it
    /// asks for the choice to be written down: an explicit `address` (the gateway included) says it.
    private func warnOfRouterAddress(_ network: Network, in site: Site, _ diagnostics: inout Diagnostics) {
        guard let libvirt = network.libvirt, libvirt.mode.value == .nat || libvirt.mode.value == .route,
              case .gateway(let gateway) = LibvirtLab.hostAddress(of: network, in: site) else { return }
        let name = network.name.value
        diagnostics.warning("\(libvirt.mode.value.rawValue) network '\(name)' puts the lab host on its bridge at the gateway's address \(gateway.value), as the VMs' router: on a lab host that is on '\(name)' too, the real router has that address; use 'mode: bridge' to join the real network, set 'libvirt.address' to another address (the VMs then have no router in the lab), or set it to \(gateway.value) to keep it",
                            at: libvirt.mode.location, notes: [Diagnostic.Note("the gateway", at: gateway.location)])
    }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] {
        let lab = LibvirtLab(site)
        guard !lab.isEmpty else { return [] }
        var files: [OutputFile] = []
        for network in lab.networks {
            files.append(OutputFile("libvirt/networks/\(network.name.value).xml",
                                    text: XMLWriter.render(lab.networkElement(network))))
        }
        files += Parallel.chunkedMap(lab.domains) { machine in
            OutputFile("libvirt/domains/\(machine.host.name.value).xml", text: XMLWriter.render(lab.domainElement(machine)))
        }
        files.append(OutputFile("libvirt/lab.sh", text: lab.labScript(), mode: 0o755))
        return files
    }
}
