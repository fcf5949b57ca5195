/// The network configuration files of one host, shared by the network backend (which writes
/// them standalone) and the Ignition backend (which embeds them).
struct HostNetworkFile: Equatable {
    /// The file name, the same in `out/network/<host>/` and on the host.
    var fileName: String
    /// Where the file goes on the installed host.
    var targetDirectory: String
    var document: IniDocument
    /// The mode on the installed host: NetworkManager ignores keyfiles readable by others.
    var targetMode: UInt16
    /// The NIC in site.yaml this file comes from.
    var location: SourceLocation? = nil

    var targetPath: String { targetDirectory + "/" + fileName }
}

enum HostNetworkFiles {
    static let keyfileDirectory = "/etc/NetworkManager/system-connections"
    static let networkdDirectory = "/etc/systemd/network"

    /// Files in NIC order: for each NIC its connection file, then its `.link` when the name is pinned.
    static func files(for host: Host, in site: Site) -> [HostNetworkFile] {
        var files: [HostNetworkFile] = []
        for nic in host.nics {
            guard let network = site.network(named: nic.network.value) else { continue }
            let first = files.count
            defer { for i in first..<files.count { files[i].location = nic.location } }
            switch host.os.value {
            case .fcos: files.append(keyfile(nic, network, host: host, site: site))
            case .flatcar: files.append(networkdUnit(nic, network))
            }
            if let pinned = nic.name {
                files.append(HostNetworkFile(
                    fileName: "10-\(pinned.value).link",
                    targetDirectory: networkdDirectory,
                    document: IniDocument(sections: [
                        .init("Match", [("MACAddress", nic.mac.value.description)]),
                        .init("Link", [("Name", pinned.value)]),
                    ]),
                    targetMode: 0o644))
            }
        }
        return files
    }

    /// Whether this NIC installs a default route: its network has a gateway and it did not opt out.
    static func routesDefault(_ nic: NIC, _ network: Network) -> Bool {
        network.gateway != nil && nic.defaultRoute?.value != false
    }

    /// A NetworkManager keyfile matched by MAC, and by name when the name is pinned.
    static func keyfile(_ nic: NIC, _ network: Network, host: Host, site: Site) -> HostNetworkFile {
        let id = nic.connectionName
        var connection: [(String, String)] = [
            ("id", id),
            ("uuid", NameUUID.make("\(site.name.value)/\(host.name.value)/\(nic.mac.value)")),
            ("type", "ethernet"),
        ]
        if let pinned = nic.name { connection.append(("interface-name", pinned.value)) }
        var ipv4: [(String, String)] = []
        if let address = nic.address {
            var value = "\(address.value)/\(network.cidr.value.prefixLength)"
            if routesDefault(nic, network), let gateway = network.gateway { value += ",\(gateway.value)" }
            ipv4.append(("address1", value))
        }
        if !network.dns.isEmpty { ipv4.append(("dns", network.dns.map { "\($0.value);" }.joined())) }
        if !network.search.isEmpty { ipv4.append(("dns-search", network.search.map { "\($0.value);" }.joined())) }
        ipv4.append(("method", nic.address == nil ? "auto" : "manual"))
        if !routesDefault(nic, network) && (network.gateway != nil || nic.address == nil) {
            ipv4.append(("never-default", "true"))
        }
        return HostNetworkFile(
            fileName: "\(id).nmconnection",
            targetDirectory: keyfileDirectory,
            document: IniDocument(sections: [
                .init("connection", connection),
                .init("ethernet", [("mac-address", nic.mac.value.description)]),
                .init("ipv4", ipv4),
                .init("ipv6", [("method", "auto")]),
            ]),
            targetMode: 0o600)
    }

    /// A systemd-networkd unit matched by MAC; the `00-` prefix sorts it before the distro's defaults.
    static func networkdUnit(_ nic: NIC, _ network: Network) -> HostNetworkFile {
        var settings: [(String, String)] = []
        if let address = nic.address {
            settings.append(("Address", "\(address.value)/\(network.cidr.value.prefixLength)"))
            if routesDefault(nic, network), let gateway = network.gateway {
                settings.append(("Gateway", gateway.value.description))
            }
        } else {
            settings.append(("DHCP", "yes"))
        }
        for dns in network.dns { settings.append(("DNS", dns.value.description)) }
        if !network.search.isEmpty { settings.append(("Domains", network.search.map(\.value).joined(separator: " "))) }
        var sections: [IniDocument.Section] = [
            .init("Match", [("MACAddress", nic.mac.value.description)]),
            .init("Network", settings),
        ]
        if nic.address == nil && !routesDefault(nic, network) {
            sections.append(.init("DHCPv4", [("UseGateway", "no")]))
        }
        return HostNetworkFile(
            fileName: "00-\(nic.connectionName).network",
            targetDirectory: networkdDirectory,
            document: IniDocument(sections: sections),
            targetMode: 0o644)
    }
}
