/// The rules of a k3s site (`kubernetes.distribution: k3s`): roles map onto k3s servers and
/// agents, and each k3s setting is on a node whose `k3s server` or `k3s agent` reads it.
extension SiteValidator {
    /// k3s's own pods and services subnets (`--cluster-cidr`, `--service-cidr` defaults).
    static let k3sPodsSubnet = IPv4Network(address: IPv4Address(0x0A2A_0000), prefixLength: 16)  // 10.42.0.0/16
    static let k3sServicesSubnet = IPv4Network(address: IPv4Address(0x0A2B_0000), prefixLength: 16)  // 10.43.0.0/16

    mutating func checkK3s() {
        guard site.isK3s, let kubernetes = site.kubernetes else { return }
        checkK3sRoles()
        for host in site.hosts {
            if let first = host.vars.first {
                diagnostics.error("'vars' of host '\(host.name.value)' are Kubespray's host_vars; a k3s node's settings go in its 'k3s'",
                                  at: first.key.location)
            }
        }
        guard let k3s = kubernetes.k3s else { return }
        checkK3sScopes(k3s)
        checkK3sNetwork(kubernetes, k3s)
        checkK3sKubeVIP()
    }

    /// kube-vip runs as one DaemonSet on every server (`K3sKubeVIP`), so it names one interface:
    /// the name every server's node network NIC pins. Without one, ARP mode announces the VIP on
    /// each server's default-route interface, which must then be that NIC (an unpinned NIC that
    /// does not carry it is refused by the shared kube-vip rules already); BGP mode finds each
    /// server's router id from that one name, so it needs it.
    private mutating func checkK3sKubeVIP() {
        guard let api = site.kubernetes?.api, api.runsKubeVIP, let vip = api.vip,
              K3sKubeVIP.commonInterface(in: site) == nil else { return }
        let nics = site.hosts.filter(\.isK3sServer).compactMap { host in
            K3sNodeConfig.nodeNIC(of: host, in: site).map { (host: host, nic: $0) }
        }
        let reference = nics.first { $0.nic.name != nil }
        for (host, nic) in nics {
            let carriesDefaultRoute = site.network(named: nic.network.value)?.gateway != nil && nic.defaultRoute?.value != false
            // The server this one disagrees with: the first pinning another name (or none).
            let other = nics.first { $0.nic.name?.value != nic.name?.value }
            var notes = [Diagnostic.Note("the VIP", at: vip.location)]
            if let other {
                let what = other.nic.name.map { "server '\(other.host.name.value)' pins '\($0.value)'" } ?? "server '\(other.host.name.value)' pins no name"
                notes.insert(Diagnostic.Note(what, at: other.nic.name?.location ?? other.nic.location), at: 0)
            }
            if api.effectiveMode == .bgp {
                if nic.name == nil || nic.name?.value != reference?.nic.name?.value {
                    diagnostics.error("with k3s, kube-vip finds every server's BGP router id from one interface name: pin the same 'name' on the node network NIC of each server ('\(host.name.value)' here)",
                                      at: nic.name?.location ?? nic.location, notes: notes)
                }
            } else if let name = nic.name, !carriesDefaultRoute {
                diagnostics.error("with k3s, kube-vip names one interface for every server, and server '\(host.name.value)' pins '\(name.value)' on a NIC without the default route: pin the same 'name' on each server's node network NIC",
                                  at: name.location, notes: notes)
            }
        }
    }

    /// control-plane → server (embedded etcd, so `etcd` is implied), worker → agent; an odd
    /// number of servers, for etcd's quorum. Kubespray's other groups have no k3s meaning.
    private mutating func checkK3sRoles() {
        for host in site.hosts {
            for role in host.roles {
                switch role.value {
                case .etcd where !host.has(.controlPlane):
                    diagnostics.error("with k3s, etcd is embedded in the servers: role 'etcd' needs 'control-plane' on host '\(host.name.value)'",
                                      at: role.location)
                case .calicoRR:
                    diagnostics.error("role 'calico-rr' is Kubespray's Calico route reflector; k3s has none", at: role.location)
                case .bastion:
                    diagnostics.error("role 'bastion' is Kubespray's SSH jump host; a k3s node is set up by its Ignition, not over SSH",
                                      at: role.location)
                default:
                    break
                }
            }
        }
        guard !site.hosts.isEmpty, site.hosts.allSatisfy(\.rolesComplete) else { return }
        let servers = site.hosts.filter(\.isK3sServer)
        if servers.count > 1, servers.count % 2 == 0 {
            diagnostics.error(
                "\(servers.count) hosts are k3s servers (role 'control-plane'); with embedded etcd an even number tolerates no more failures than one fewer (use an odd number for quorum)",
                at: servers.last?.location)
        }
    }

    /// A server-only key where agents read it, or an agent-only key where servers do, is an error.
    /// The site-wide `config` is every node's: each key goes where it applies (not checked here).
    private mutating func checkK3sScopes(_ k3s: K3sSettings) {
        for (role, config) in k3s.roleConfigs {
            let hosts = site.hosts.filter { $0.has(role.value) }
            let agent = hosts.first { !$0.isK3sServer }
            let server = hosts.first(where: \.isK3sServer)
            for (key, _) in config {
                guard let flag = K3sFlag.named(key.value) else { continue }
                if flag.scope == .server, let agent {
                    diagnostics.error("'\(key.value)' is a k3s server setting, but role '\(role.value.rawValue)' has agent '\(agent.name.value)' (no role 'control-plane')",
                                      at: key.location, notes: [Diagnostic.Note("the agent", at: agent.location)])
                } else if flag.scope == .agent, let server {
                    diagnostics.error("'\(key.value)' is a k3s agent setting, but role '\(role.value.rawValue)' has server '\(server.name.value)' (role 'control-plane')",
                                      at: key.location, notes: [Diagnostic.Note("the server", at: server.location)])
                }
            }
        }
        for host in site.hosts {
            for (key, _) in host.k3s {
                guard let flag = K3sFlag.named(key.value) else { continue }
                if flag.scope == .server, !host.isK3sServer {
                    diagnostics.error("'\(key.value)' is a k3s server setting, but host '\(host.name.value)' is an agent (no role 'control-plane')",
                                      at: key.location)
                } else if flag.scope == .agent, host.isK3sServer {
                    diagnostics.error("'\(key.value)' is a k3s agent setting, but host '\(host.name.value)' is a server (role 'control-plane')",
                                      at: key.location)
                }
            }
        }
    }

    /// The node network exists; `network_plugin: none` leaves no flannel to configure; the pods
    /// and services subnets (k3s's defaults when not given) overlap neither each other nor a network.
    private mutating func checkK3sNetwork(_ kubernetes: Kubernetes, _ k3s: K3sSettings) {
        if let name = kubernetes.nodeNetwork, site.network(named: name.value) == nil {
            var message = "node network '\(name.value)' is not declared under 'networks'"
            if let suggestion = Spelling.suggestion(for: name.value, among: site.networks.map(\.name.value)) {
                message += "; did you mean '\(suggestion)'?"
            }
            diagnostics.error(message, at: name.location)
        }
        if let plugin = kubernetes.networkPlugin, plugin.value == "none" {
            let maps = [k3s.config] + k3s.roleConfigs.map(\.config) + site.hosts.map(\.k3s)
            for config in maps {
                for (key, _) in config where key.value.hasPrefix("flannel-") {
                    diagnostics.error("'\(key.value)' configures flannel, but 'network_plugin' is 'none' (no flannel runs)",
                                      at: key.location, notes: [Diagnostic.Note("the network plugin", at: plugin.location)])
                }
            }
        }
        let pods = (kubernetes.podsCIDR?.value ?? Self.k3sPodsSubnet, kubernetes.podsCIDR?.location, "pods subnet", "kubernetes.pods_cidr")
        let services = (kubernetes.servicesCIDR?.value ?? Self.k3sServicesSubnet, kubernetes.servicesCIDR?.location,
                        "services subnet", "kubernetes.services_cidr")
        if pods.0.overlaps(services.0) {
            let blamed = services.1 != nil ? services : pods
            let other = services.1 != nil ? pods : services
            if let at = blamed.1 {
                let origin = other.1 == nil ? "k3s's default " : "the "
                diagnostics.error("\(blamed.2) \(blamed.0) overlaps \(origin)\(other.2) \(other.0)", at: at,
                                  notes: other.1.map { [Diagnostic.Note("\(other.2) declared here", at: $0)] } ?? [])
            }
        }
        for subnet in [pods, services] {
            for network in site.networks where subnet.0.overlaps(network.cidr.value) {
                if let at = subnet.1 {
                    diagnostics.error("\(subnet.2) \(subnet.0) overlaps network '\(network.name.value)' (\(network.cidr.value))", at: at,
                                      notes: [Diagnostic.Note("network '\(network.name.value)' declared here", at: network.cidr.location)])
                } else {
                    diagnostics.error("network '\(network.name.value)' (\(network.cidr.value)) overlaps k3s's default \(subnet.2) \(subnet.0); set '\(subnet.3)' to a free range",
                                      at: network.cidr.location)
                }
            }
        }
    }
}
