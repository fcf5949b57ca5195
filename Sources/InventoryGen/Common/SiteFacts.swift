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

    /// An address the API name resolves to, and where it comes from.
    struct APIAddress {
        enum Origin: Equatable {
            case vip
            /// A control plane's node address (without a VIP), by host name.
            case controlPlane(String)
            /// `kubernetes.api.extra_addresses`.
            case extra
        }
        var address: IPv4Address
        var origin: Origin
        /// Where the address is written: the VIP, the control plane's NIC address, the extra address.
        var location: SourceLocation

        /// A control plane's own address: its host's PTR names it, and Kubespray puts it in the
        /// certificates itself.
        var isHostAddress: Bool {
            if case .controlPlane = origin { return true }
            return false
        }
    }

    /// Every address of the API name, in zone order: the VIP, else the control planes' node
    /// addresses (host order); then `extra_addresses`. The zone's A records and the certificates'
    /// SANs both come from here. Duplicates are kept (they are errors of `BindTarget`).
    static func apiAddressSet(in site: Site) -> [APIAddress] {
        guard let api = site.kubernetes?.api else { return [] }
        var result: [APIAddress] = []
        if let vip = api.vip {
            result.append(APIAddress(address: vip.value, origin: .vip, location: vip.location))
        } else {
            for host in site.hosts where host.has(.controlPlane) {
                guard let address = nodeAddress(of: host, in: site),
                      let nic = host.nics.first(where: { $0.address?.value == address }) else { continue }
                result.append(APIAddress(address: address, origin: .controlPlane(host.name.value),
                                         location: nic.address?.location ?? nic.location))
            }
        }
        for extra in api.extraAddresses {
            result.append(APIAddress(address: extra.value, origin: .extra, location: extra.location))
        }
        return result
    }

    /// `name` as an absolute name, with the trailing dot.
    static func fqdn(_ name: String, in site: Site) -> String {
        name + "." + site.domain.value + "."
    }
}
