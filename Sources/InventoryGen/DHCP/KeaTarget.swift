import IgnitionCompiler

/// `out/kea/kea-dhcp4.json`: the same service as dnsmasq's, as a complete Kea DHCPv4 server
/// configuration: one `subnet4` per network with a `dhcp` section (its pool, options and
/// reservations), and client classes for PXE. Kea serves no TFTP: PXE firmware is sent to the
/// network's `next_server` for iPXE.
struct KeaTarget: Backend {
    var target: BuildTarget { .kea }

    func check(_ site: Site, explicit: Bool, into diagnostics: inout Diagnostics) {
        if DHCPPlan(site).isEmpty {
            if explicit {
                diagnostics.error("no network has a 'dhcp' section: the kea target has nothing to build", at: nil)
            }
            return
        }
        for network in site.networks {
            guard let dhcp = network.dhcp, dhcp.servesPXE, dhcp.nextServer == nil else { continue }
            let message = "Kea serves no TFTP, and network '\(network.name.value)' names no 'next_server': in out/kea/kea-dhcp4.json only iPXE clients get a boot file there, not PXE firmware; set 'next_server' to the TFTP server of \(DHCPService.biosBootFile) and \(DHCPService.uefiBootFile)"
            if explicit {
                diagnostics.error(message, at: dhcp.pxe?.location ?? dhcp.location)
            } else {
                diagnostics.warning(message, at: dhcp.pxe?.location ?? dhcp.location)
            }
        }
    }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] {
        let plan = DHCPPlan(site)
        guard !plan.isEmpty else { return [] }
        return [OutputFile("kea/kea-dhcp4.json", contents: JanssonWriter.render(KeaConfig.document(plan), style: .pretty))]
    }
}

/// Kea's `Dhcp4` document for a plan.
enum KeaConfig {
    /// The PXE classes, evaluated only in the subnets that require them (`only-if-required`):
    /// iPXE by its user class (option 77), BIOS and x86-64 UEFI firmware by client architecture
    /// (option 93, RFC 4578), the firmware classes excluding iPXE (which sends option 93 too).
    static let ipxeClass = "ipxe", biosClass = "pxe-bios", uefiClass = "pxe-efi-x86_64"
    static let isIPXE = "substring(option[77].hex,0,4) == 'iPXE'"
    /// Kea's infinite lease: the largest 32-bit lifetime (RFC 2131's 0xffffffff).
    static let infiniteLifetime = Int(UInt32.max)

    static func document(_ plan: DHCPPlan) -> JSONValue {
        var dhcp4: [(String, JSONValue)] = [
            ("comment", .string("written by igncc for site '\(plan.site)': name the interfaces to serve in interfaces-config")),
            ("interfaces-config", .object([("interfaces", .array([.string("*")]))])),
            ("lease-database", .object([("type", .string("memfile"))])),
        ]
        let pxe = plan.subnets.compactMap(\.pxe)
        if let bootURL = pxe.first?.bootURL {
            var classes: [JSONValue] = [pxeClass(ipxeClass, test: isIPXE, bootFile: bootURL)]
            if pxe.contains(where: { $0.nextServer != nil }) {
                classes.append(pxeClass(biosClass, test: "option[93].hex == 0x0000 and not (\(isIPXE))",
                                        bootFile: DHCPService.biosBootFile))
                classes.append(pxeClass(uefiClass, test: "(option[93].hex == 0x0007 or option[93].hex == 0x0009) and not (\(isIPXE))",
                                        bootFile: DHCPService.uefiBootFile))
            }
            dhcp4.append(("client-classes", .array(classes)))
        }
        dhcp4.append(("subnet4", .array(plan.subnets.map(subnet))))
        return .object([("Dhcp4", .object(dhcp4))])
    }

    static func pxeClass(_ name: String, test: String, bootFile: String) -> JSONValue {
        .object([("name", .string(name)), ("test", .string(test)), ("only-if-required", .bool(true)),
                 ("boot-file-name", .string(bootFile))])
    }

    static func subnet(_ subnet: DHCPPlan.Subnet) -> JSONValue {
        // The network's address as the id: it stays when networks are added or reordered (Kea keys
        // its leases by subnet id), and networks do not overlap.
        var pairs: [(String, JSONValue)] = [
            ("id", .int(Int(subnet.cidr.address.value))),
            ("subnet", .string(subnet.cidr.description)),
        ]
        if let pool = subnet.pool {
            pairs.append(("pools", .array([.object([("pool", .string("\(pool.first) - \(pool.last)"))])])))
        }
        switch subnet.lease {
        case .seconds(let s): pairs.append(("valid-lifetime", .int(s)))
        case .infinite: pairs.append(("valid-lifetime", .int(infiniteLifetime)))
        }
        if let pxe = subnet.pxe {
            if let server = pxe.nextServer {
                pairs.append(("next-server", .string(server.description)))
                pairs.append(("require-client-classes", .array([ipxeClass, biosClass, uefiClass].map(JSONValue.string))))
            } else {
                pairs.append(("require-client-classes", .array([.string(ipxeClass)])))
            }
        }
        var options: [JSONValue] = []
        func option(_ name: String, _ data: String) {
            options.append(.object([("name", .string(name)), ("data", .string(data))]))
        }
        if let router = subnet.router { option("routers", router.description) }
        if !subnet.dns.isEmpty { option("domain-name-servers", subnet.dns.map(\.description).joined(separator: ", ")) }
        option("domain-name", subnet.domain)
        if !subnet.search.isEmpty { option("domain-search", subnet.search.joined(separator: ", ")) }
        pairs.append(("option-data", .array(options)))
        pairs.append(("reservations", .array(subnet.reservations.map { reservation in
            .object([("hw-address", .string(reservation.mac.description)), ("ip-address", .string(reservation.address.description)),
                     ("hostname", .string(reservation.hostname))])
        })))
        return .object(pairs)
    }
}
