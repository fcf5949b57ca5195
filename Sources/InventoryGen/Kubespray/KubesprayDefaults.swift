import IgnitionCompiler

/// What Kubespray assumes when the inventory does not say (roles/kubespray_defaults and
/// roles/validate_inventory), and which of its variables igncc writes itself.
enum KubesprayDefaults {
    static let podsSubnet = IPv4Network(address: IPv4Address(0x0AE9_4000), prefixLength: 18)  // 10.233.64.0/18
    static let serviceAddresses = IPv4Network(address: IPv4Address(0x0AE9_0000), prefixLength: 18)  // 10.233.0.0/18
    static let networkPlugin = "calico"
    static let clusterName = "cluster.local"
    /// `kube_network_node_prefix`: the pod subnet each node gets, for plugins other than Calico.
    static let nodePrefix = 24
    /// `calico_pool_blocksize`: the blocks Calico hands out to nodes.
    static let calicoBlockSize = 26
    static let apiserverPort = 6443

    /// The choices `validate_inventory` accepts ("The selected choice is not supported").
    static let networkPlugins = ["calico", "flannel", "cloud", "cilium", "cni", "kube-ovn", "kube-router", "macvlan",
                                 "custom_cni", "none"]
    static let proxyModes = ["iptables", "ipvs", "nftables"]
    static let containerManagers = ["docker", "crio", "containerd"]

    /// The variables igncc writes from site.yaml, and the field of site.yaml each comes from.
    static let writtenVariables: [(variable: String, field: String)] = [
        ("kube_version", "kubernetes.version"),
        ("kube_network_plugin", "kubernetes.network_plugin"),
        ("kube_pods_subnet", "kubernetes.pods_cidr"),
        ("kube_service_addresses", "kubernetes.services_cidr"),
        ("cluster_name", "kubernetes.cluster_name"),
        ("container_manager", "kubernetes.container_manager"),
        ("supplementary_addresses_in_ssl_keys", "kubernetes.api"),
        ("loadbalancer_apiserver", "kubernetes.api.vip"),
        ("apiserver_loadbalancer_domain_name", "kubernetes.api.name"),
        ("ansible_user", "the hosts' 'user'"),
        ("upstream_dns_servers", "the networks' 'dns'"),
    ]

    /// `1.35.4` from `v1.35.4` or `1.35.4`; nil unless three numbers without leading zeros.
    static func kubeVersion(_ text: String) -> String? {
        let body = text.hasPrefix("v") ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let numeric = parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } && (part == "0" || part.first != "0")
        }
        return parts.count == 3 && numeric ? String(body) : nil
    }

    /// A variable of `kubernetes.vars`, with its key.
    static func variable(_ name: String, in site: Site) -> (key: Located<String>, value: ConfigValue)? {
        site.kubernetes?.vars.first { $0.key.value == name }
    }

    /// An integer variable of `kubernetes.vars`, with where its key is.
    static func intVariable(_ name: String, in site: Site) -> (value: Int, location: SourceLocation)? {
        guard let entry = variable(name, in: site), case .int(let value?) = entry.value.resolved else { return nil }
        return (value, entry.key.location)
    }
}
