import IgnitionCompiler

/// Facts about hosts that several inventory backends state, computed in one place so that the
/// inventory, the zones and the libvirt lab always agree.
enum SiteFacts {
    /// A host's canonical address: its first static address on a network with a gateway, else its
    /// first static address. It is Kubespray's `ansible_host` and the A record of `<host>.<domain>`.
    static func primaryNIC(of host: Host, in site: Site) -> NIC? {
        let statics = host.nics.filter { $0.address != nil }
        return statics.first { site.network(named: $0.network.value)?.gateway != nil } ?? statics.first
    }

    static func primaryAddress(of host: Host, in site: Site) -> IPv4Address? {
        primaryNIC(of: host, in: site)?.address?.value
    }

    /// The network whose address is each node's Kubespray `ip`: `kubernetes.node_network`, else the
    /// primary address's network.
    static func nodeAddress(of host: Host, in site: Site) -> IPv4Address? {
        if let network = site.kubernetes?.nodeNetwork?.value {
            return host.nics.first { $0.network.value == network && $0.address != nil }?.address?.value
        }
        return primaryAddress(of: host, in: site)
    }

    /// The DNS name (relative to the site's domain) of each static address of a host: the host's
    /// name for the primary one, `<host>-<network>` for the others (and `<host>-<network>-<n>` for
    /// a second address on the same network).
    static func addressNames(of host: Host, in site: Site) -> [(nic: NIC, address: IPv4Address, name: String)] {
        let primary = primaryNIC(of: host, in: site)
        var result: [(nic: NIC, address: IPv4Address, name: String)] = []
        var perNetwork: [String: Int] = [:]
        for nic in host.nics {
            guard let address = nic.address?.value else { continue }
            if let primary, primary.mac.value == nic.mac.value {
                result.append((nic, address, host.name.value))
                continue
            }
            let n = perNetwork[nic.network.value, default: 0] + 1
            perNetwork[nic.network.value] = n
            let base = host.name.value + "-" + nic.network.value.lowercased()
            result.append((nic, address, n == 1 ? base : base + "-\(n)"))
        }
        return result
    }

    /// The control-plane hosts' node addresses, in host order: the API name's round-robin set.
    static func apiAddresses(in site: Site) -> [IPv4Address] {
        site.hosts.filter { $0.has(.controlPlane) }.compactMap { nodeAddress(of: $0, in: site) }
    }

    /// `name` as an absolute name, with the trailing dot.
    static func fqdn(_ name: String, in site: Site) -> String {
        name + "." + site.domain.value + "."
    }
}
