import IgnitionCompiler

/// The checks of Kubespray's `validate_inventory` that depend on site.yaml alone, so that
/// `igncc check` refuses what the playbook would stop on. (An empty control plane and an even
/// etcd group are the core validator's: every site has roles.)
struct KubesprayRules {
    var diagnostics = Diagnostics()
    let site: Site

    init(site: Site) { self.site = site }

    mutating func run() {
        checkVersion()
        checkChoices()
        checkNodeNetwork()
        checkVariables()
        checkSubnets()
        checkPodAddressSpace()
        checkRouteReflectors()
        checkBastion()
        checkConnections()
        KubeVIP(site: site)?.check(into: &diagnostics)
    }

    private var kubernetes: Kubernetes? { site.kubernetes }

    private mutating func checkVersion() {
        guard let version = kubernetes?.version else { return }
        guard let number = KubesprayDefaults.kubeVersion(version.value) else {
            diagnostics.error("Kubernetes version '\(version.value)' must be MAJOR.MINOR.PATCH, such as '1.35.4'",
                              at: version.location)
            return
        }
        guard !KubesprayDefaults.supports(kubeVersion: number) else { return }
        diagnostics.error(
            "Kubernetes version '\(version.value)' is not one Kubespray \(KubesprayDefaults.release) installs: its checksums cover \(KubesprayDefaults.supportedKubernetesReleases)",
            at: version.location)
    }

    /// `network_plugin`, `container_manager` and `kube_proxy_mode` take one of Kubespray's choices.
    private mutating func checkChoices() {
        if let plugin = kubernetes?.networkPlugin {
            choice(plugin.value, at: plugin.location, what: "network plugin", among: KubesprayDefaults.networkPlugins)
        }
        if let manager = kubernetes?.containerManager {
            choice(manager.value, at: manager.location, what: "container manager", among: KubesprayDefaults.containerManagers)
        }
        // Each place that sets it: a host's own is refused by checkVariables.
        let places = [site.kubernetes?.vars ?? [], site.kubernetes?.allVars ?? []]
        for entry in places.joined() where entry.key.value == "kube_proxy_mode" {
            if let mode = entry.value.resolved?.string {
                choice(mode, at: entry.key.location, what: "'kube_proxy_mode'", among: KubesprayDefaults.proxyModes)
            } else if entry.value.resolved != .encrypted {
                diagnostics.error("'kube_proxy_mode' must be one of \(Self.list(KubesprayDefaults.proxyModes))",
                                  at: entry.key.location)
            }
        }
    }

    private mutating func choice(_ value: String, at location: SourceLocation, what: String, among choices: [String]) {
        guard !choices.contains(value) else { return }
        var message = "'\(value)' is not a \(what) Kubespray supports"
        if let suggestion = Spelling.suggestion(for: value, among: choices) {
            message += "; did you mean '\(suggestion)'?"
        } else {
            message += "; expected one of \(Self.list(choices))"
        }
        diagnostics.error(message, at: location)
    }

    private static func list(_ words: [String]) -> String {
        words.map { "'\($0)'" }.joined(separator: ", ")
    }

    private mutating func checkNodeNetwork() {
        guard let name = kubernetes?.nodeNetwork, site.network(named: name.value) == nil else { return }
        var message = "node network '\(name.value)' is not declared under 'networks'"
        if let suggestion = Spelling.suggestion(for: name.value, among: site.networks.map(\.name.value)) {
            message += "; did you mean '\(suggestion)'?"
        }
        diagnostics.error(message, at: name.location)
    }
}

// MARK: Address space

extension KubesprayRules {
    /// The pods or services subnet, as given in site.yaml (with its place) or Kubespray's default.
    struct Subnet {
        var what: String
        var field: String
        var network: IPv4Network
        var location: SourceLocation?
    }

    var podsSubnet: Subnet {
        Subnet(what: "pods subnet", field: "kubernetes.pods_cidr",
               network: kubernetes?.podsCIDR?.value ?? KubesprayDefaults.podsSubnet, location: kubernetes?.podsCIDR?.location)
    }

    var servicesSubnet: Subnet {
        Subnet(what: "services subnet", field: "kubernetes.services_cidr",
               network: kubernetes?.servicesCIDR?.value ?? KubesprayDefaults.serviceAddresses,
               location: kubernetes?.servicesCIDR?.location)
    }

    /// Neither subnet overlaps the other nor a network of the site. A default subnet is blamed on
    /// what it collides with, since site.yaml does not write it.
    mutating func checkSubnets() {
        let pods = podsSubnet, services = servicesSubnet
        if pods.network.overlaps(services.network) {
            switch (pods.location, services.location) {
            case let (p?, s?):
                let (later, earlier, laterAt, earlierAt) = p < s ? (services, pods, s, p) : (pods, services, p, s)
                diagnostics.error("\(later.what) \(later.network) overlaps the \(earlier.what) \(earlier.network)", at: laterAt,
                                  notes: [Diagnostic.Note("\(earlier.what) declared here", at: earlierAt)])
            case let (p?, nil):
                overlapsDefault(pods, at: p, services)
            case let (nil, s?):
                overlapsDefault(services, at: s, pods)
            case (nil, nil):
                break  // Kubespray's defaults are disjoint.
            }
        }
        for subnet in [pods, services] {
            for network in site.networks where subnet.network.overlaps(network.cidr.value) {
                if let location = subnet.location {
                    diagnostics.error("\(subnet.what) \(subnet.network) overlaps network '\(network.name.value)' (\(network.cidr.value))",
                                      at: location,
                                      notes: [Diagnostic.Note("network '\(network.name.value)' declared here", at: network.cidr.location)])
                } else {
                    diagnostics.error(
                        "network '\(network.name.value)' (\(network.cidr.value)) overlaps Kubespray's default \(subnet.what) \(subnet.network); set '\(subnet.field)' to a free range",
                        at: network.cidr.location)
                }
            }
        }
    }

    private mutating func overlapsDefault(_ given: Subnet, at location: SourceLocation, _ other: Subnet) {
        diagnostics.error(
            "\(given.what) \(given.network) overlaps Kubespray's default \(other.what) \(other.network); set '\(other.field)' to a free range",
            at: location)
    }

    /// Each node gets a block of the pods subnet: Calico's `calico_pool_blocksize`, the others'
    /// `kube_network_node_prefix`. There must be a block for every control-plane and worker host.
    mutating func checkPodAddressSpace() {
        let plugin = kubernetes?.networkPlugin?.value ?? KubesprayDefaults.networkPlugin
        let (variable, fallback) = plugin == "calico"
            ? ("calico_pool_blocksize", KubesprayDefaults.calicoBlockSize)
            : ("kube_network_node_prefix", KubesprayDefaults.nodePrefix)
        let given = KubesprayDefaults.intVariable(variable, in: site)
        let prefix = given?.value ?? fallback
        let pods = podsSubnet
        let podsPrefix = pods.network.prefixLength
        let nodes = site.hosts.filter(\.isClusterNode)
        let source = given == nil ? "Kubespray's default '\(variable)'" : "'\(variable)'"
        if prefix < podsPrefix || prefix > 32 {
            let problem = prefix > 32 ? "is longer than 32" : "is shorter than the \(pods.what)'s /\(podsPrefix)"
            var notes: [Diagnostic.Note] = []
            if given != nil, let location = pods.location { notes.append(Diagnostic.Note("\(pods.what) declared here", at: location)) }
            diagnostics.error("\(source) /\(prefix) \(problem)", at: given?.location ?? pods.location, notes: notes)
            return
        }
        let blocks = UInt64(1) << UInt64(min(prefix - podsPrefix, 40))
        guard blocks < UInt64(nodes.count) else { return }
        let kinds = nodes.contains { $0.has(.calicoRR) } ? "control planes, workers or route reflectors" : "control planes or workers"
        let message = "the \(pods.what) \(pods.network) has room for \(blocks) node\(blocks == 1 ? "" : "s") (blocks of /\(prefix), \(source)), but \(nodes.count) hosts are \(kinds)"
        var notes: [Diagnostic.Note] = []
        if let location = pods.location {
            if let given { notes.append(Diagnostic.Note("'\(variable)' set here", at: given.location)) }
            diagnostics.error(message, at: location, notes: notes)
        } else if let given {
            diagnostics.error(message, at: given.location)
        } else {
            // Everything is Kubespray's default: blame the first host that does not fit.
            diagnostics.error(message + "; set 'kubernetes.pods_cidr' to a larger range", at: nodes[Int(blocks)].location)
        }
    }
}
