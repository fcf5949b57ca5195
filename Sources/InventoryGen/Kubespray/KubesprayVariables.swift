import IgnitionCompiler

/// Every variable igncc writes into the Kubespray inventory, in which file and from which key of
/// site.yaml: the one table the user's variables are checked against. A user's variable of the
/// same name would either be overridden without a word (host_vars win over group_vars, and
/// k8s_cluster's group_vars over all's) or override igncc's value and contradict site.yaml.
enum KubesprayVariables {
    /// A file igncc writes variables into.
    enum File: String {
        case all = "group_vars/all"
        case cluster = "group_vars/k8s_cluster"
        case inventory = "inventory.ini"
        case hostVars = "host_vars"
    }

    /// When igncc writes the variable.
    enum Condition {
        /// Whenever its key of site.yaml is set, or always: that key owns the variable.
        case always
        /// For Flatcar hosts only.
        case flatcar
        /// When kube-vip holds the API VIP (`KubeVIP.writtenVariables`).
        case kubeVIP
    }

    struct Written {
        var name: String
        var files: [File]
        /// What site.yaml says it with.
        var source: String
        /// Whether setting `source` is the remedy; else igncc's value is the one Kubespray needs.
        var settable = true
        var condition = Condition.always
    }

    static let written: [Written] = [
        Written(name: "ansible_user", files: [.all, .hostVars], source: "the hosts' 'user'"),
        Written(name: "upstream_dns_servers", files: [.all], source: "the networks' 'dns'"),
        Written(name: "apiserver_loadbalancer_domain_name", files: [.all], source: "'kubernetes.api.name'"),
        Written(name: "loadbalancer_apiserver", files: [.all], source: "'kubernetes.api.vip'"),
        Written(name: "kube_version", files: [.cluster], source: "'kubernetes.version'"),
        Written(name: "kube_network_plugin", files: [.cluster], source: "'kubernetes.network_plugin'"),
        Written(name: "kube_pods_subnet", files: [.cluster], source: "'kubernetes.pods_cidr'"),
        Written(name: "kube_service_addresses", files: [.cluster], source: "'kubernetes.services_cidr'"),
        Written(name: "cluster_name", files: [.cluster], source: "'kubernetes.cluster_name'"),
        Written(name: "container_manager", files: [.cluster], source: "'kubernetes.container_manager'"),
        Written(name: "supplementary_addresses_in_ssl_keys", files: [.cluster], source: "'kubernetes.api'"),
        Written(name: "ansible_host", files: [.inventory], source: "each host's static NIC 'address'"),
        Written(name: "ip", files: [.inventory], source: "each host's static 'address' on the node network"),
        Written(name: "etcd_member_name", files: [.inventory], source: "the role 'etcd'", settable: false),
        Written(name: "ansible_python_interpreter", files: [.hostVars], source: "each host's 'os'", settable: false),
        Written(name: "bin_dir", files: [.hostVars], source: "the 'os' of Flatcar hosts", settable: false, condition: .flatcar),
        Written(name: "node_labels", files: [.hostVars], source: "each host's 'labels'"),
        Written(name: "kube_vip_enabled", files: [.cluster], source: "'kubernetes.api.vip'", condition: .kubeVIP),
        Written(name: "kube_vip_controlplane_enabled", files: [.cluster], source: "'kubernetes.api.vip'", condition: .kubeVIP),
        Written(name: "kube_vip_address", files: [.cluster], source: "'kubernetes.api.vip'", condition: .kubeVIP),
        Written(name: "kube_vip_arp_enabled", files: [.cluster], source: "'kubernetes.api.mode'", condition: .kubeVIP),
        Written(name: "kube_vip_interface", files: [.cluster, .hostVars], source: "the control planes' NIC 'name'", condition: .kubeVIP),
        Written(name: "kube_vip_bgp_enabled", files: [.cluster], source: "'kubernetes.api.mode'", condition: .kubeVIP),
        Written(name: "kube_vip_local_as", files: [.cluster], source: "'kubernetes.api.bgp'", condition: .kubeVIP),
        Written(name: "kube_vip_bgppeers", files: [.cluster], source: "'kubernetes.api.bgp'", condition: .kubeVIP),
        Written(name: "kube_vip_bgp_routerid", files: [.hostVars], source: "each control plane's node address", settable: false,
                condition: .kubeVIP),
        Written(name: "kube_proxy_strict_arp", files: [.cluster], source: "'kubernetes.api.vip' (kube-vip's ARP mode needs it with ipvs)",
                settable: false, condition: .kubeVIP),
    ]

    /// `written` by name.
    static let writtenByName: [String: Written] = Dictionary(uniqueKeysWithValues: written.map { ($0.name, $0) })

    /// Cluster-wide settings igncc checks against the site (the pods subnet, kube-vip): a value for
    /// one host would escape those checks, and Kubespray applies them cluster-wide anyway.
    static let clusterWide = ["kube_proxy_mode", "calico_pool_blocksize", "kube_network_node_prefix"]

    /// Where site.yaml's own variables go, and which hosts read them.
    struct Place {
        var field: String
        var vars: AnsibleVars
        var hosts: [Host]
        /// One host's `vars`.
        var isHost: Bool
    }

    static func places(in site: Site) -> [Place] {
        var places: [Place] = []
        if let k = site.kubernetes {
            places.append(Place(field: "kubernetes.vars", vars: k.vars, hosts: site.hosts.filter(\.isClusterNode), isHost: false))
            places.append(Place(field: "kubernetes.all_vars", vars: k.allVars, hosts: site.hosts, isHost: false))
        }
        for host in site.hosts where !host.vars.isEmpty {
            places.append(Place(field: "hosts.\(host.name.value).vars", vars: host.vars, hosts: [host], isHost: true))
        }
        return places
    }
}

extension KubesprayRules {
    /// No variable of site.yaml is one igncc writes for a host that reads it, and no host sets
    /// a cluster-wide setting igncc checks.
    mutating func checkVariables() {
        let kubeVIP = Set(KubeVIP(site: site)?.writtenVariables ?? [])
        for place in KubesprayVariables.places(in: site) {
            for (key, _) in place.vars {
                if let written = KubesprayVariables.writtenByName[key.value] {
                    let writes: Bool
                    switch written.condition {
                    case .always: writes = true
                    case .flatcar: writes = place.hosts.contains { $0.os.value == .flatcar }
                    case .kubeVIP: writes = kubeVIP.contains(key.value)
                    }
                    guard writes else { continue }
                    let files = written.files.map(\.rawValue).joined(separator: " and ")
                    let remedy = written.settable ? "set that instead of '\(place.field)'" : "remove it from '\(place.field)'"
                    let origin = Self.origin(of: key.value, for: place.isHost ? place.hosts.first : nil, in: site).map {
                        [Diagnostic.Note("igncc writes '\(key.value)' from this", at: $0)]
                    } ?? []
                    diagnostics.error("'\(key.value)' is written by igncc in \(files) from \(written.source); \(remedy)", at: key.location,
                                      notes: origin)
                } else if place.isHost, KubesprayVariables.clusterWide.contains(key.value) {
                    diagnostics.error("'\(key.value)' is a cluster-wide setting igncc checks against the site; set it in 'kubernetes.vars', not for one host",
                                      at: key.location)
                }
            }
        }
    }

    /// Where site.yaml gives igncc's value of `variable`, when one place does: for a host's own
    /// variables, that host's keys too.
    private static func origin(of variable: String, for host: Host?, in site: Site) -> SourceLocation? {
        let k = site.kubernetes
        switch variable {
        case "kube_version": return k?.version?.location
        case "kube_network_plugin": return k?.networkPlugin?.location
        case "kube_pods_subnet": return k?.podsCIDR?.location
        case "kube_service_addresses": return k?.servicesCIDR?.location
        case "cluster_name": return k?.clusterName?.location
        case "container_manager": return k?.containerManager?.location
        case "supplementary_addresses_in_ssl_keys", "apiserver_loadbalancer_domain_name": return k?.api?.name.location
        case "loadbalancer_apiserver", "kube_vip_address": return k?.api?.vip?.location
        default: break
        }
        guard let host else { return nil }
        switch variable {
        case "ansible_host": return SiteFacts.primaryNIC(of: host, in: site)?.address?.location
        case "ip":
            let address = SiteFacts.nodeAddress(of: host, in: site)
            return host.nics.first { $0.address != nil && $0.address?.value == address }?.address?.location
        case "ansible_python_interpreter", "bin_dir": return host.os.location
        case "ansible_user": return host.user.location
        case "node_labels": return host.labels.first?.location
        case "etcd_member_name": return host.roles.first { $0.value == .etcd }?.location
        default: return nil
        }
    }
}
