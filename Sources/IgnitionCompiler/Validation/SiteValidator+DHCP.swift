extension SiteValidator {
    /// The DHCP rules of each network with a `dhcp` section: a pool inside the network that leases
    /// no address the site gives to something else, PXE only with somewhere to chain iPXE to, and
    /// settings that apply.
    mutating func checkDHCP() {
        var tftpRoot: (root: String, network: String, location: SourceLocation?)?
        for network in site.networks {
            guard let dhcp = network.dhcp else { continue }
            let name = network.name.value, cidr = network.cidr.value
            if cidr.address.value == 0 {
                // Kea's subnet id is the network's address as a number, and 0 means "none" there.
                diagnostics.error("DHCP cannot serve network '\(name)' (\(cidr)): addresses in 0.0.0.0/8 are not assignable (RFC 1122)",
                                  at: dhcp.location)
                continue
            }
            if let range = dhcp.range { checkRange(range, of: network) }
            if dhcp.servesPXE {
                checkBootURL(dhcp, of: network)
                if tftpRoot == nil {
                    tftpRoot = (dhcp.effectiveTFTPRoot, name, dhcp.tftpRoot?.location)
                } else if let first = tftpRoot, first.root != dhcp.effectiveTFTPRoot {
                    // One dnsmasq serves every network, from one TFTP root.
                    let here = dhcp.tftpRoot?.location ?? dhcp.location
                    let firstWhat = first.location == nil ? "the default '\(first.root)'" : "'\(first.root)'"
                    diagnostics.error("network '\(name)' serves TFTP from '\(dhcp.effectiveTFTPRoot)' but network '\(first.network)' from \(firstWhat): dnsmasq has one TFTP root; give every PXE network the same 'tftp_root'",
                                      at: here, notes: [Diagnostic.Note("network '\(first.network)' uses \(firstWhat)", at: first.location ?? site.network(named: first.network)?.dhcp?.location)])
                }
            } else if let pxe = dhcp.pxe {
                let note = [Diagnostic.Note("'pxe: false' set here", at: pxe.location)]
                if let server = dhcp.nextServer {
                    diagnostics.error("'next_server' is where PXE firmware fetches iPXE: it does not apply with 'pxe: false'", at: server.location, notes: note)
                }
                if let root = dhcp.tftpRoot {
                    diagnostics.error("'tftp_root' is where dnsmasq serves iPXE to PXE firmware: it does not apply with 'pxe: false'", at: root.location, notes: note)
                }
            }
            if let server = dhcp.nextServer, cidr.contains(server.value), cidr.prefixLength < 31,
               server.value == cidr.address || server.value == cidr.broadcast {
                diagnostics.error("next_server \(server.value) is the \(server.value == cidr.address ? "network" : "broadcast") address of \(cidr)",
                                  at: server.location)
            }
        }
    }

    /// Inside the network, first before last, neither end the network or broadcast address, and
    /// none of the addresses the site gives out statically inside.
    private mutating func checkRange(_ range: DHCPService.Range, of network: Network) {
        let name = network.name.value, cidr = network.cidr.value
        var inside = true
        for end in [range.first, range.last] where !cidr.contains(end.value) {
            diagnostics.error("DHCP range address \(end.value) is outside network '\(name)' (\(cidr))", at: end.location,
                              notes: [Diagnostic.Note("network '\(name)' declared here", at: network.cidr.location)])
            inside = false
        }
        guard inside else { return }
        if range.last.value < range.first.value {
            diagnostics.error("DHCP range ends (\(range.last.value)) before it starts (\(range.first.value))", at: range.last.location)
            return
        }
        if cidr.prefixLength < 31 {
            if range.first.value == cidr.address {
                diagnostics.error("DHCP range of network '\(name)' starts at its network address \(cidr.address)", at: range.first.location)
            }
            if range.last.value == cidr.broadcast {
                diagnostics.error("DHCP range of network '\(name)' ends at its broadcast address \(cidr.broadcast)", at: range.last.location)
            }
        }
        let text = "\(range.first.value)-\(range.last.value)"
        for taken in staticAddresses(of: network) where range.contains(taken.address) {
            diagnostics.error("DHCP range \(text) of network '\(name)' contains \(taken.address), \(taken.what): the server would lease it to another machine",
                              at: range.location, notes: [Diagnostic.Note(taken.note, at: taken.location)])
        }
    }

    /// Every address of `network` the site puts on something without asking DHCP, in site order:
    /// the gateway, the lab host's bridge address, the PXE boot server, NICs, the API's addresses,
    /// DNS A records.
    private func staticAddresses(of network: Network) -> [(address: IPv4Address, what: String, note: String, location: SourceLocation)] {
        let cidr = network.cidr.value
        var result: [(address: IPv4Address, what: String, note: String, location: SourceLocation)] = []
        func add(_ address: Located<IPv4Address>?, _ what: String, _ note: String) {
            if let address, cidr.contains(address.value) { result.append((address.value, what, note, address.location)) }
        }
        add(network.gateway, "its gateway", "the gateway")
        add(network.libvirt?.address, "the lab host's address on its libvirt bridge", "'libvirt.address' set here")
        add(network.dhcp?.nextServer, "the PXE boot server", "'next_server' set here")
        for host in site.hosts {
            for nic in host.nics {
                add(nic.address, "the address of host '\(host.name.value)'", "host '\(host.name.value)' has it here")
            }
        }
        if let api = site.kubernetes?.api {
            add(api.vip, "the API VIP", "the VIP")
            for extra in api.extraAddresses { add(extra, "an address of the API name '\(api.name.value)'", "in 'extra_addresses' here") }
        }
        for record in site.dns?.records ?? [] where record.type.value == .A {
            add(IPv4Address(record.value.value).map { Located($0, at: record.value.location) },
                "the address of DNS record '\(record.name.value)'", "record '\(record.name.value)' has it here")
        }
        return result
    }

    /// PXE chains iPXE to `<serve.base_url>/boot.ipxe`: there must be a base URL, and the boot URL
    /// must fit the DHCP reply's boot file field and dnsmasq's comma-separated `dhcp-boot`.
    private mutating func checkBootURL(_ dhcp: DHCPService, of network: Network) {
        let name = network.name.value
        let pxeNote = [Diagnostic.Note(dhcp.pxe == nil ? "'pxe' is true by default" : "'pxe' set here", at: dhcp.pxe?.location ?? dhcp.location)]
        guard let base = site.serve?.baseURL else {
            let why = dhcp.pxe == nil ? " ('pxe' is true by default)" : ""
            diagnostics.error("network '\(name)' boots PXE clients into iPXE\(why), which then fetches '<base_url>/boot.ipxe', but the site has no 'serve.base_url'; set it, or 'pxe: false'",
                              at: dhcp.pxe?.location ?? dhcp.location)
            return
        }
        let url = DHCPService.bootURL(baseURL: base.value)
        if url.contains(",") {
            diagnostics.error("'base_url' has a ',', which dnsmasq's 'dhcp-boot' reads as the end of the boot file name: iPXE on network '\(name)' could not be given '\(url)'",
                              at: base.location, notes: pxeNote)
        } else if url.utf8.count > DHCPService.bootFileLimit {
            diagnostics.error("the boot URL '\(url)' is \(url.utf8.count) bytes; a DHCP reply's boot file field holds \(DHCPService.bootFileLimit): shorten 'base_url' for the PXE of network '\(name)'",
                              at: base.location, notes: pxeNote)
        }
    }
}

extension DHCPService {
    /// The DHCP reply's `file` field: 128 bytes, the last a NUL.
    public static let bootFileLimit = 127

    /// What iPXE is given: igncc serve's boot script below the base URL.
    public static func bootURL(baseURL: String) -> String {
        var base = baseURL
        if base.hasSuffix("/") { base.removeLast() }
        return base + "/boot.ipxe"
    }
}
