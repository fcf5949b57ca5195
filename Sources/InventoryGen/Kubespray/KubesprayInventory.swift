import IgnitionCompiler

/// The Kubespray inventory of a site, before rendering: hosts with their connection variables,
/// the groups Kubespray's playbooks read (current underscore names), and the variable files.
struct KubesprayInventory: Equatable {
    struct HostEntry: Equatable {
        var name: String
        /// How Ansible reaches the host: its primary static address.
        var ansibleHost: IPv4Address?
        /// The address Kubernetes components bind to: on `kubernetes.node_network` if set.
        var ip: IPv4Address?
        var etcdMemberName: String?
        /// `host_vars/<name>.yml`: igncc's, then the host's `vars` as written.
        var variables: [YAMLEntry]
    }

    struct Group: Equatable {
        var name: String
        var hosts: [String]
    }

    var siteName: String
    var hosts: [HostEntry]
    /// kube_control_plane, etcd, kube_node, calico_rr (always, maybe empty), then bastion when
    /// there is one.
    var groups: [Group]
    /// `group_vars/all/all.yml`: igncc's, then `kubernetes.all_vars` as written.
    var allVariables: [YAMLEntry]
    /// `group_vars/k8s_cluster/k8s-cluster.yml`.
    var clusterVariables: [YAMLEntry]
}

extension KubesprayInventory {
    init(site: Site) {
        siteName = site.name.value
        let user = Self.commonUser(of: site)
        let kubeVIP = KubeVIP(site: site)
        var etcdIndex = 0
        hosts = site.hosts.map { host in
            var etcdName: String?
            if host.has(.etcd) {
                etcdIndex += 1
                etcdName = "etcd\(etcdIndex)"
            }
            // A bastion alone is no Kubernetes host: it has no node address for components to bind to.
            let isBastionOnly = host.roles.allSatisfy { $0.value == .bastion }
            return HostEntry(name: host.name.value,
                             ansibleHost: SiteFacts.primaryAddress(of: host, in: site),
                             ip: isBastionOnly ? nil : SiteFacts.nodeAddress(of: host, in: site),
                             etcdMemberName: etcdName,
                             variables: Self.hostVariables(host, commonUser: user) + (kubeVIP?.hostVariables(host) ?? [])
                                 + Self.passedThrough(host.vars))
        }
        func members(_ role: Role) -> [String] { site.hosts.filter { $0.has(role) }.map(\.name.value) }
        groups = [
            Group(name: "kube_control_plane", hosts: members(.controlPlane)),
            Group(name: "etcd", hosts: members(.etcd)),
            Group(name: "kube_node", hosts: members(.worker)),
            Group(name: "calico_rr", hosts: members(.calicoRR)),
        ]
        let bastions = members(.bastion)
        if !bastions.isEmpty { groups.append(Group(name: "bastion", hosts: bastions)) }
        allVariables = Self.allVariables(site, user: user) + Self.passedThrough(site.kubernetes?.allVars ?? [])
        clusterVariables = Self.clusterVariables(site) + Self.passedThrough(site.kubernetes?.vars ?? [])
    }

    /// Variables of site.yaml, to be written as written after igncc's own (none has the name of
    /// one of igncc's: see `KubesprayVariables`).
    static func passedThrough(_ vars: AnsibleVars) -> [YAMLEntry] {
        vars.map { YAMLEntry($0.key.value, .source($0.value)) }
    }

    /// The user most hosts log in as; a tie goes to the one the earliest host uses.
    static func commonUser(of site: Site) -> String? {
        var counts: [(user: String, count: Int)] = []
        for host in site.hosts {
            if let i = counts.firstIndex(where: { $0.user == host.user.value }) {
                counts[i].count += 1
            } else {
                counts.append((host.user.value, 1))
            }
        }
        var best: (user: String, count: Int)?
        for entry in counts where entry.count > (best?.count ?? 0) { best = entry }
        return best?.user
    }

    /// What Kubespray needs to know per host: the OS's Python and binary directory, a login
    /// user other than the common one, and the node's labels.
    static func hostVariables(_ host: Host, commonUser: String?) -> [YAMLEntry] {
        var vars: [YAMLEntry] = []
        switch host.os.value {
        case .flatcar:
            // docs/operating_systems/flatcar.md: bootstrap-os lays Python down in /opt/bin, and
            // /usr is read-only.
            vars.append(YAMLEntry("ansible_python_interpreter", .string("/opt/bin/python")))
            vars.append(YAMLEntry("bin_dir", .string("/opt/bin")))
        case .fcos:
            // bootstrap-os layers python3 with rpm-ostree.
            vars.append(YAMLEntry("ansible_python_interpreter", .string("/usr/bin/python3")))
        }
        if host.user.value != commonUser {
            vars.append(YAMLEntry("ansible_user", .string(host.user.value)))
        }
        if !host.labels.isEmpty {
            vars.append(YAMLEntry("node_labels", .map(host.labels.map { YAMLEntry($0.value.key, .string($0.value.value)) })))
        }
        return vars
    }

    /// `<api>.<domain>`, the name clients and certificates use for the API server.
    static func apiDomainName(_ site: Site) -> String? {
        site.kubernetes?.api.map { $0.name.value + "." + site.domain.value }
    }

    static func allVariables(_ site: Site, user: String?) -> [YAMLEntry] {
        var vars: [YAMLEntry] = []
        if let user { vars.append(YAMLEntry("ansible_user", .string(user))) }
        var servers: [String] = []
        for network in site.networks {
            for server in network.dns where !servers.contains(server.value.description) {
                servers.append(server.value.description)
            }
        }
        if !servers.isEmpty { vars.append(YAMLEntry("upstream_dns_servers", .list(servers.map(YAMLValue.string)))) }
        if let domainName = apiDomainName(site) {
            // Without a VIP Kubespray keeps its nginx proxy on each node for the nodes' own use;
            // the name is then a round-robin DNS name over the control planes, for clients. With
            // one, every node reaches the API at the VIP: kube-vip's (see KubeVIP) or an external
            // load balancer's (`provider: external`).
            vars.append(YAMLEntry("apiserver_loadbalancer_domain_name", .string(domainName)))
            if let vip = site.kubernetes?.api?.vip {
                vars.append(YAMLEntry("loadbalancer_apiserver", .map([
                    YAMLEntry("address", .string(vip.value.description)),
                    YAMLEntry("port", .int(KubesprayDefaults.apiserverPort)),
                ])))
            }
        }
        return vars
    }

    static func clusterVariables(_ site: Site) -> [YAMLEntry] {
        let k = site.kubernetes
        var vars: [YAMLEntry] = []
        if let version = k?.version {
            vars.append(YAMLEntry("kube_version", .string(KubesprayDefaults.kubeVersion(version.value) ?? version.value)))
        }
        vars.append(YAMLEntry("kube_network_plugin", .string(k?.networkPlugin?.value ?? KubesprayDefaults.networkPlugin)))
        vars.append(YAMLEntry("kube_pods_subnet", .string((k?.podsCIDR?.value ?? KubesprayDefaults.podsSubnet).description)))
        vars.append(YAMLEntry("kube_service_addresses",
                              .string((k?.servicesCIDR?.value ?? KubesprayDefaults.serviceAddresses).description)))
        vars.append(YAMLEntry("cluster_name", .string(k?.clusterName?.value ?? KubesprayDefaults.clusterName)))
        if let manager = k?.containerManager {
            vars.append(YAMLEntry("container_manager", .string(manager.value)))
        }
        if let api = k?.api, let domainName = apiDomainName(site) {
            // Every address the API name resolves to. Kubespray adds the control planes' own
            // addresses itself; the VIP and the extra addresses are igncc's to add.
            var names = [YAMLValue.string(api.name.value), .string(domainName)]
            for entry in SiteFacts.apiAddressSet(in: site) where !entry.isHostAddress {
                let value = YAMLValue.string(entry.address.description)
                if !names.contains(value) { names.append(value) }
            }
            vars.append(YAMLEntry("supplementary_addresses_in_ssl_keys", .list(names)))
        }
        vars += KubeVIP(site: site)?.clusterVariables ?? []
        return vars
    }
}
