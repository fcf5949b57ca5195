import IgnitionCompiler

/// `out/libvirt/`: the site as VMs on one machine, to rehearse it before the hardware.
/// `networks/<network>.xml` for each network with a `libvirt` section, `domains/<host>.xml` for
/// each host with a NIC on one of them, and `lab.sh` to define, start and destroy them.
struct LibvirtTarget: Backend {
    var target: BuildTarget { .libvirt }

    /// A routed or NATed lab network is reached through the lab host's address on the bridge,
    /// which is the network's gateway; without one, libvirt has no address to serve DHCP from.
    func validate(_ site: Site, into diagnostics: inout Diagnostics) {
        for network in site.networks {
            if let bridge = network.libvirt?.bridge, let problem = Self.bridgeNameProblem(bridge.value) {
                diagnostics.error("bridge name '\(bridge.value)' \(problem)", at: bridge.location)
            }
            guard let libvirt = network.libvirt, network.gateway == nil else { continue }
            let name = network.name.value
            switch libvirt.mode.value {
            case .nat, .route:
                diagnostics.error("libvirt mode '\(libvirt.mode.value.rawValue)' of network '\(name)' needs a gateway: it is the lab host's address on the bridge",
                                  at: libvirt.mode.location, notes: [Diagnostic.Note("network '\(name)' declared here", at: network.location)])
            case .isolated:
                if let range = libvirt.dhcpRange {
                    diagnostics.error("isolated network '\(name)' has a DHCP range but no gateway: libvirt serves DHCP from the gateway address",
                                      at: range.start.location)
                }
            }
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
                guard let network = site.network(named: nic.network.value), network.libvirt?.dhcpRange == nil else { continue }
                diagnostics.warning("NIC \(nic.mac.value) of host '\(host)' uses DHCP, but network '\(nic.network.value)' has no 'dhcp_range': libvirt gives it no address",
                                    at: nic.network.location)
            }
            for nic in machine.leftOut {
                diagnostics.warning("NIC \(nic.mac.value) of host '\(host)' is left out of its VM: network '\(nic.network.value)' has no 'libvirt' section",
                                    at: nic.network.location)
            }
        }
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
