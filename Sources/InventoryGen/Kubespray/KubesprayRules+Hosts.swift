import IgnitionCompiler

/// What Kubespray's playbooks need of the hosts themselves: route reflectors (docs/CNI/calico.md,
/// roles/network_plugin/calico/tasks/check.yml), the bastion (docs/ansible/inventory.md,
/// roles/kubespray_defaults' `ansible_ssh_common_args`, roles/bastion-ssh-config) and an address
/// for Ansible to connect to.
extension KubesprayRules {
    /// Where `host` lists `role`.
    private func roleLocation(_ role: Role, of host: Host) -> SourceLocation {
        host.roles.first { $0.value == role }?.location ?? host.location
    }

    /// Route reflectors are Calico's: with another plugin Kubespray's calico_rr play still runs
    /// calicoctl on them. With Calico, Kubespray's check stops unless the first control plane
    /// reads a `cluster_id` that is an IPv4 address, and each reflector labels itself with its own.
    mutating func checkRouteReflectors() {
        let reflectors = site.hosts.filter { $0.has(.calicoRR) }
        guard !reflectors.isEmpty else { return }
        let plugin = site.kubernetes?.networkPlugin
        if let plugin, plugin.value != "calico" {
            for host in reflectors {
                diagnostics.error("host '\(host.name.value)' is a Calico route reflector (role 'calico-rr'), but the network plugin is '\(plugin.value)': Kubespray would run calicoctl on it",
                                  at: roleLocation(.calicoRR, of: host),
                                  notes: [Diagnostic.Note("the network plugin", at: plugin.location)])
            }
            return
        }
        var readers = reflectors
        if let first = site.hosts.first(where: { $0.has(.controlPlane) }), !first.has(.calicoRR) {
            readers.insert(first, at: 0)
        }
        var checked: Set<SourceLocation> = []
        var lacking: [Host] = []
        for host in readers {
            guard let entry = Self.clusterID(for: host, in: site) else {
                lacking.append(host)
                continue
            }
            guard checked.insert(entry.key.location).inserted, entry.value.resolved != .encrypted else { continue }
            if entry.value.resolved?.string.flatMap({ IPv4Address($0) }) == nil {
                diagnostics.error("'cluster_id' must be an IPv4 address (the route reflectors' BGP cluster id), as Kubespray's Calico check requires",
                                  at: entry.key.location)
            }
        }
        if lacking.count == readers.count {
            diagnostics.error("Calico route reflectors need 'cluster_id' (an IPv4 address, such as '1.0.0.1') in 'kubernetes.vars': Kubespray's Calico check stops without it",
                              at: roleLocation(.calicoRR, of: reflectors[0]))
        } else {
            for host in lacking {
                diagnostics.error("host '\(host.name.value)' reads no 'cluster_id', which Kubespray's Calico check needs with route reflectors; set it in 'kubernetes.vars'",
                                  at: host.location)
            }
        }
    }

    /// `cluster_id` as `host` reads it: its own vars, else `kubernetes.vars` (a cluster node), else `all_vars`.
    private static func clusterID(for host: Host, in site: Site) -> (key: Located<String>, value: ConfigValue)? {
        let places = [host.vars, host.isClusterNode ? site.kubernetes?.vars ?? [] : [], site.kubernetes?.allVars ?? []]
        for vars in places {
            if let entry = vars.first(where: { $0.key.value == "cluster_id" }) { return entry }
        }
        return nil
    }

    /// Kubespray proxies SSH through the host named `bastion` (its default `ansible_ssh_common_args`
    /// reads `hostvars['bastion']`), to its `ansible_host`.
    mutating func checkBastion() {
        for host in site.hosts where host.has(.bastion) {
            if host.name.value != "bastion" {
                diagnostics.error("Kubespray proxies SSH through the host named 'bastion' (hostvars['bastion'] in its 'ansible_ssh_common_args'), not '\(host.name.value)': rename this host 'bastion'",
                                  at: roleLocation(.bastion, of: host), notes: [Diagnostic.Note("the host", at: host.location)])
            }
            if host.nicsComplete, SiteFacts.primaryAddress(of: host, in: site) == nil {
                diagnostics.error("the bastion needs a static 'address': Kubespray's SSH proxy command connects to its 'ansible_host'",
                                  at: host.location)
            }
        }
    }

    /// A host without a static address has no `ansible_host`: Ansible connects to its name, which
    /// no record of the site resolves (the zone has A records for static addresses only). Behind
    /// a bastion it is an error: Kubespray's bastion SSH config lists every host's `ansible_host`.
    mutating func checkConnections() {
        let bastion = site.hosts.first { $0.has(.bastion) }
        let network = site.kubernetes?.nodeNetwork.map { "network '\($0.value)'" } ?? "the node network"
        for host in site.hosts where host.nicsComplete && !host.has(.bastion) && SiteFacts.primaryAddress(of: host, in: site) == nil {
            let name = host.name.value
            if let bastion {
                diagnostics.error("host '\(name)' has no static address, so no 'ansible_host': Kubespray's SSH configuration for the bastion needs one for every host; give it a static 'address' on \(network)",
                                  at: host.location, notes: [Diagnostic.Note("the bastion", at: bastion.location)])
            } else {
                diagnostics.warning("host '\(name)' has no static address, so no 'ansible_host': Ansible will connect to the name '\(name)', which no record of the site resolves; give it a static 'address' on \(network)",
                                    at: host.location)
            }
        }
    }
}
