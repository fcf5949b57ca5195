/// kube-vip holding the API VIP on a k3s site's servers, the way kube-vip's k3s guide installs it
/// (kube-vip.io/docs/usage/k3s): its RBAC and a DaemonSet on the control-plane nodes, in a
/// manifest k3s applies from its `server/manifests` directory when each server starts.
///
/// The resources are those `kube-vip manifest rbac` and `kube-vip manifest daemonset --inCluster
/// --taint --controlplane --address <vip> [--arp --leaderElection | --bgp …]` write (kube-vip
/// v1.2.3, pkg/kubevip/config_generator.go), with the same names, environment and defaults.
///
/// k3s applies a manifest of that directory as one cluster object per file name from every server,
/// so the file is the same bytes on each server: a per-server difference would make the servers
/// overwrite each other's DaemonSet. Its one `vip_interface` is the name every server's node
/// network NIC pins; without a common name it is left out and kube-vip announces the VIP on each
/// server's default-route interface (`SiteValidator.checkK3sKubeVIP` refuses a site where that is
/// not the node network's NIC, and BGP without a common name).
///
/// Rendered with `GoYAMLEmitter` from a value tree, as config.yaml is: every value is a string
/// the emitter quotes when YAML would read it as something else (`"true"`, `"6443"`), so each
/// environment value is exactly the text kube-vip reads, with no template escaping to get wrong.
enum K3sKubeVIP {
    static let manifestPath = "/var/lib/rancher/k3s/server/manifests/kube-vip.yaml"
    /// kube-vip's latest release when this was written: tag v1.2.3 of github.com/kube-vip/kube-vip
    /// (10 Aug 2026). The Kubespray side has no pin of its own: Kubespray pins kube-vip itself.
    static let version = "v1.2.3"
    static let image = "ghcr.io/kube-vip/kube-vip:" + version
    static let namespace = "kube-system"
    static let serviceAccount = "kube-vip"
    static let clusterRole = "system:kube-vip-role"
    static let clusterRoleBinding = "system:kube-vip-binding"
    static let daemonSet = "kube-vip-ds"

    /// The manifest a k3s server of `site` holds at `manifestPath`; nil for an agent, for a site
    /// that is not a k3s one, and when the API has no VIP or another provider answers on it.
    static func manifest(for host: Host, in site: Site) -> String? {
        host.isK3sServer ? manifest(in: site) : nil
    }

    /// The manifest every server of `site` holds (the same bytes on each).
    static func manifest(in site: Site) -> String? {
        guard site.isK3s, let api = site.kubernetes?.api, api.runsKubeVIP, let vip = api.vip else { return nil }
        let bgp = api.effectiveMode == .bgp ? api.bgp : nil
        if api.effectiveMode == .bgp && bgp == nil { return nil }  // refused by the front-end
        let interface = commonInterface(in: site)
        var header = "# kube-vip holds the API VIP \(vip.value) on the k3s servers (igncc, from site.yaml).\n"
        if interface == nil {
            header += "# No vip_interface: the servers' node network NICs pin no common name, so kube-vip\n"
                + "# announces the VIP on each server's default-route interface.\n"
        }
        let documents = [Self.serviceAccountDocument, Self.clusterRoleDocument, Self.bindingDocument,
                         daemonSetDocument(vip: vip.value.description, interface: interface, bgp: bgp)]
        return header + documents.map { "---\n" + String(decoding: GoYAMLEmitter.document($0), as: UTF8.self) }.joined()
    }

    /// The name every server's node network NIC pins (`K3sNodeConfig.nodeNIC`, the NIC flannel
    /// uses), or nil when one pins none or two differ.
    static func commonInterface(in site: Site) -> String? {
        let names = site.hosts.filter(\.isK3sServer).map { K3sNodeConfig.nodeNIC(of: $0, in: site)?.name?.value }
        guard let first = names.first, let name = first, names.allSatisfy({ $0 == name }) else { return nil }
        return name
    }

    // MARK: Resources

    private static let serviceAccountDocument: JSONValue = .object([
        ("apiVersion", .string("v1")),
        ("kind", .string("ServiceAccount")),
        ("metadata", .object([("name", .string(serviceAccount)), ("namespace", .string(namespace))])),
    ])

    /// What kube-vip may read and change: its leases, the nodes, and (for its services mode, kept
    /// so the role is kube-vip's own) services and their endpoints.
    private static let clusterRoleDocument: JSONValue = {
        func rule(_ group: String, _ resources: [String], _ verbs: [String]) -> JSONValue {
            .object([("apiGroups", .array([.string(group)])), ("resources", .array(resources.map(JSONValue.string))),
                     ("verbs", .array(verbs.map(JSONValue.string)))])
        }
        return .object([
            ("apiVersion", .string("rbac.authorization.k8s.io/v1")),
            ("kind", .string("ClusterRole")),
            ("metadata", .object([("name", .string(clusterRole))])),
            ("rules", .array([
                rule("", ["services/status"], ["update"]),
                rule("", ["services", "endpoints"], ["list", "get", "watch", "update"]),
                rule("", ["nodes"], ["list", "get", "watch", "update", "patch"]),
                rule("coordination.k8s.io", ["leases"], ["list", "get", "watch", "update", "create"]),
                rule("discovery.k8s.io", ["endpointslices"], ["list", "get", "watch", "update"]),
                rule("", ["pods"], ["list"]),
            ])),
        ])
    }()

    private static let bindingDocument: JSONValue = .object([
        ("apiVersion", .string("rbac.authorization.k8s.io/v1")),
        ("kind", .string("ClusterRoleBinding")),
        ("metadata", .object([("name", .string(clusterRoleBinding))])),
        ("roleRef", .object([("apiGroup", .string("rbac.authorization.k8s.io")), ("kind", .string("ClusterRole")),
                             ("name", .string(clusterRole))])),
        ("subjects", .array([.object([("kind", .string("ServiceAccount")), ("name", .string(serviceAccount)),
                                      ("namespace", .string(namespace))])])),
    ])

    /// The DaemonSet on the control-plane nodes (k3s labels its servers `control-plane` and
    /// `master`), tolerating their taints, on the host network with the capabilities to add an
    /// address and answer ARP.
    private static func daemonSetDocument(vip: String, interface: String?, bgp: Kubernetes.API.BGP?) -> JSONValue {
        let labels: JSONValue = .object([("app.kubernetes.io/name", .string(daemonSet)), ("app.kubernetes.io/version", .string(version))])
        func exists(_ key: String) -> JSONValue {
            .object([("matchExpressions", .array([.object([("key", .string(key)), ("operator", .string("Exists"))])]))])
        }
        let container: JSONValue = .object([
            ("name", .string("kube-vip")),
            ("image", .string(image)),
            ("imagePullPolicy", .string("IfNotPresent")),
            ("args", .array([.string("manager")])),
            ("env", .array(environment(vip: vip, interface: interface, bgp: bgp))),
            ("securityContext", .object([("capabilities", .object([
                ("add", .array([.string("NET_ADMIN"), .string("NET_RAW")])),
                ("drop", .array([.string("ALL")])),
            ]))])),
        ])
        let podSpec: JSONValue = .object([
            ("affinity", .object([("nodeAffinity", .object([("requiredDuringSchedulingIgnoredDuringExecution", .object([
                ("nodeSelectorTerms", .array([exists("node-role.kubernetes.io/master"), exists("node-role.kubernetes.io/control-plane")])),
            ]))]))])),
            ("containers", .array([container])),
            ("hostNetwork", .bool(true)),
            ("serviceAccountName", .string(serviceAccount)),
            ("tolerations", .array([
                .object([("effect", .string("NoSchedule")), ("operator", .string("Exists"))]),
                .object([("effect", .string("NoExecute")), ("operator", .string("Exists"))]),
            ])),
        ])
        return .object([
            ("apiVersion", .string("apps/v1")),
            ("kind", .string("DaemonSet")),
            ("metadata", .object([("name", .string(daemonSet)), ("namespace", .string(namespace)), ("labels", labels)])),
            ("spec", .object([
                ("selector", .object([("matchLabels", .object([("app.kubernetes.io/name", .string(daemonSet))]))])),
                ("template", .object([("metadata", .object([("labels", labels)])), ("spec", podSpec)])),
            ])),
        ])
    }

    /// kube-vip's settings, in the generator's order. ARP: leader election elects the one server
    /// that holds the VIP (the generator's lease defaults). BGP: every server advertises it to the
    /// peers, its router id the address of the named interface (one setting for all servers,
    /// where `bgp_routerid` would differ per server).
    private static func environment(vip: String, interface: String?, bgp: Kubernetes.API.BGP?) -> [JSONValue] {
        var env: [(String, String)] = [("vip_arp", bgp == nil ? "true" : "false"), ("port", "\(K3sNodeConfig.apiPort)")]
        var entries: [JSONValue] = []
        func flush() {
            entries += env.map { .object([("name", .string($0.0)), ("value", .string($0.1))]) }
            env = []
        }
        flush()
        entries.append(.object([("name", .string("vip_nodename")),
                                ("valueFrom", .object([("fieldRef", .object([("fieldPath", .string("spec.nodeName"))]))]))]))
        if let interface { env.append(("vip_interface", interface)) }
        env += [("vip_subnet", "32"), ("dns_mode", "first"), ("cp_enable", "true"), ("cp_namespace", namespace)]
        if let bgp {
            env.append(("bgp_enable", "true"))
            if let interface { env.append(("bgp_routerinterface", interface)) }
            env.append(("bgp_as", "\(bgp.localAS.value)"))
            // kube-vip's peer list: address:as:password:multihop, comma-separated (the front-end
            // refuses a password holding either separator).
            let peers = bgp.peers.map { "\($0.address.value):\($0.remoteAS.value):\($0.password?.value ?? ""):\($0.multihop?.value ?? false)" }
            env.append(("bgp_peers", peers.joined(separator: ",")))
        } else {
            env += [("vip_leaderelection", "true"), ("vip_leasename", "plndr-cp-lock"), ("vip_leaseduration", "15"),
                    ("vip_renewdeadline", "10"), ("vip_retryperiod", "2")]
        }
        env += [("address", vip), ("prometheus_server", ":2112")]
        flush()
        return entries
    }
}
