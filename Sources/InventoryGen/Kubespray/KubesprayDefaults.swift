import IgnitionCompiler

/// What Kubespray assumes when the inventory does not say (roles/kubespray_defaults and
/// roles/validate_inventory), and the Kubespray and Kubernetes releases the inventory is for.
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

    /// The Kubespray the inventory is written for: `git describe` of the tree its rules and
    /// defaults were read from (master after v2.31.0, commit 46dbdd3 of 2026-08-21).
    static let release = "v2.31.0-96-g46dbdd399"

    /// The Kubernetes releases `release` installs: roles/kubespray_defaults/vars/main/checksums.yml
    /// has kubelet, kubeadm and kubectl checksums for exactly these patches, on every architecture,
    /// and validate_inventory stops on any other `kube_version` ("Kubernetes vX is not supported").
    /// `kube_version_min_required` is the oldest of them, and the default the newest.
    static let kubernetesReleases: [(minor: Int, patches: ClosedRange<Int>)] = [
        (34, 0...11),
        (35, 0...8),
        (36, 0...4),
    ]

    /// Whether `version` (`1.35.4`, as `kubeVersion` returns it) is one `release` installs.
    static func supports(kubeVersion version: String) -> Bool {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 3, parts[0] == 1 else { return false }
        return kubernetesReleases.contains { $0.minor == parts[1] && $0.patches.contains(parts[2]) }
    }

    /// "1.34.0–1.34.11, 1.35.0–1.35.8 and 1.36.0–1.36.4".
    static var supportedKubernetesReleases: String {
        let ranges = kubernetesReleases.map { "1.\($0.minor).\($0.patches.lowerBound)–1.\($0.minor).\($0.patches.upperBound)" }
        return ranges.dropLast().joined(separator: ", ") + (ranges.count > 1 ? " and " : "") + (ranges.last ?? "")
    }

    /// `1.35.4` from `v1.35.4` or `1.35.4`; nil unless three numbers without leading zeros.
    static func kubeVersion(_ text: String) -> String? {
        let body = text.hasPrefix("v") ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let numeric = parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } && (part == "0" || part.first != "0")
        }
        return parts.count == 3 && numeric ? String(body) : nil
    }

    /// A variable as the cluster's nodes read it: from `kubernetes.vars` (group_vars/k8s_cluster),
    /// else from `kubernetes.all_vars` (group_vars/all, which k8s_cluster's own override), with its key.
    static func variable(_ name: String, in site: Site) -> (key: Located<String>, value: ConfigValue)? {
        site.kubernetes?.vars.first { $0.key.value == name } ?? site.kubernetes?.allVars.first { $0.key.value == name }
    }

    /// An integer variable as the cluster's nodes read it, with where its key is.
    static func intVariable(_ name: String, in site: Site) -> (value: Int, location: SourceLocation)? {
        guard let entry = variable(name, in: site), case .int(let value?) = entry.value.resolved else { return nil }
        return (value, entry.key.location)
    }
}
