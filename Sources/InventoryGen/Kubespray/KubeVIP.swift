import IgnitionCompiler

/// The API VIP made real with what Kubespray ships: kube-vip as a static pod on every control
/// plane (docs/ingress/kube-vip.md), announcing the VIP by ARP (default) or BGP. The variables
/// here are what Kubespray's `kubernetes/node` role reads; `loadbalancer_apiserver` (all.yml)
/// points every node at the VIP.
struct KubeVIP {
    let site: Site
    let api: Kubernetes.API
    let vip: Located<IPv4Address>

    /// nil unless the site has a VIP that kube-vip provides.
    init?(site: Site) {
        guard let api = site.kubernetes?.api, api.runsKubeVIP, let vip = api.vip else { return nil }
        self.site = site
        self.api = api
        self.vip = vip
    }

    var controlPlanes: [Host] { site.hosts.filter { $0.has(.controlPlane) } }

    /// The NIC a control plane announces the VIP on: its NIC on the node network.
    func nodeNIC(of host: Host) -> NIC? {
        guard let address = SiteFacts.nodeAddress(of: host, in: site) else { return nil }
        return host.nics.first { $0.address?.value == address }
    }

    /// kube-proxy's mode as `vars` or `all_vars` set it (Kubespray's default: ipvs); nil when
    /// igncc cannot know it (a vault value).
    var proxyMode: String? {
        guard let entry = KubesprayDefaults.variable("kube_proxy_mode", in: site) else { return "ipvs" }
        return entry.value.resolved?.string
    }

    /// kube-vip's ARP mode needs strict ARP from kube-proxy in ipvs mode (Kubespray stops on it).
    var needsStrictARP: Bool { api.effectiveMode == .arp && (proxyMode ?? "ipvs") == "ipvs" }

    /// One interface name shared by every control plane's node NIC, when they all pin the same.
    var commonInterface: String? {
        let names = controlPlanes.map { nodeNIC(of: $0)?.name?.value }
        guard let first = names.first, let name = first, names.allSatisfy({ $0 == name }) else { return nil }
        return name
    }

    /// The variables kube-vip reads, for group_vars/k8s_cluster.
    var clusterVariables: [YAMLEntry] {
        var vars = [
            YAMLEntry("kube_vip_enabled", .bool(true)),
            YAMLEntry("kube_vip_controlplane_enabled", .bool(true)),
            YAMLEntry("kube_vip_address", .string(vip.value.description)),
            YAMLEntry("kube_vip_arp_enabled", .bool(api.effectiveMode == .arp)),
        ]
        if let name = commonInterface { vars.append(YAMLEntry("kube_vip_interface", .string(name))) }
        if api.effectiveMode == .bgp, let bgp = api.bgp {
            vars.append(YAMLEntry("kube_vip_bgp_enabled", .bool(true)))
            vars.append(YAMLEntry("kube_vip_local_as", .int(bgp.localAS.value)))
            vars.append(YAMLEntry("kube_vip_bgppeers", .list(bgp.peers.map { peer in
                // kube-vip's form: address:as:password:multihop.
                .string("\(peer.address.value):\(peer.remoteAS.value):\(peer.password?.value ?? ""):\(peer.multihop?.value ?? false)")
            })))
        }
        if needsStrictARP { vars.append(YAMLEntry("kube_proxy_strict_arp", .bool(true))) }
        return vars
    }

    /// A control plane's own: its interface when the names differ, its BGP router id.
    func hostVariables(_ host: Host) -> [YAMLEntry] {
        guard host.has(.controlPlane) else { return [] }
        var vars: [YAMLEntry] = []
        if commonInterface == nil, let name = nodeNIC(of: host)?.name?.value {
            vars.append(YAMLEntry("kube_vip_interface", .string(name)))
        }
        if api.effectiveMode == .bgp, let address = SiteFacts.nodeAddress(of: host, in: site) {
            vars.append(YAMLEntry("kube_vip_bgp_routerid", .string(address.description)))
        }
        return vars
    }

    /// The variables igncc writes for this site, which site.yaml's variables may not set
    /// (`KubesprayVariables`).
    var writtenVariables: [String] {
        var names = ["kube_vip_enabled", "kube_vip_controlplane_enabled", "kube_vip_address", "kube_vip_arp_enabled",
                     "kube_vip_interface", "kube_vip_bgp_enabled", "kube_vip_local_as", "kube_vip_bgppeers", "kube_vip_bgp_routerid"]
        if needsStrictARP { names.append("kube_proxy_strict_arp") }
        return names
    }

    /// The VIP sits on every control plane's node network, is none of its reserved addresses, and
    /// each control plane says which interface carries it (a pinned name, or the default route's,
    /// which kube-vip picks when none is named).
    func check(into diagnostics: inout Diagnostics) {
        // What the site calls the hosts that hold the VIP.
        let holder = site.isK3s ? "k3s server" : "control plane"
        var checkedNetworks: Set<String> = []
        for host in controlPlanes {
            guard let nic = nodeNIC(of: host), let network = site.network(named: nic.network.value) else {
                diagnostics.error("\(holder) '\(host.name.value)' has no static address on the node network for kube-vip to hold the API VIP on",
                                  at: host.location, notes: [Diagnostic.Note("the VIP", at: vip.location)])
                continue
            }
            if checkedNetworks.insert(network.name.value).inserted {
                checkAddress(on: network, host: host, holder: holder, into: &diagnostics)
            }
            if nic.name == nil && !Self.carriesDefaultRoute(nic, network) {
                diagnostics.error("kube-vip on '\(host.name.value)' would announce the API VIP on its default route's interface, not on this NIC of the node network: pin its name with 'name:'",
                                  at: nic.location, notes: [Diagnostic.Note("the VIP", at: vip.location)])
            }
        }
    }

    private func checkAddress(on network: Network, host: Host, holder: String, into diagnostics: inout Diagnostics) {
            let cidr = network.cidr.value
            let networkNote = Diagnostic.Note("network '\(network.name.value)' declared here", at: network.cidr.location)
            if !cidr.contains(vip.value) {
                diagnostics.error("the API VIP \(vip.value) is outside \(cidr), the node network of \(holder) '\(host.name.value)': kube-vip holds it on that network ('provider: external' if a load balancer answers elsewhere)",
                                  at: vip.location, notes: [networkNote])
            } else if vip.value == cidr.address || vip.value == cidr.broadcast {
                diagnostics.error("the API VIP \(vip.value) is the \(vip.value == cidr.address ? "network" : "broadcast") address of \(cidr)",
                                  at: vip.location, notes: [networkNote])
            } else if vip.value == network.gateway?.value {
                diagnostics.error("the API VIP \(vip.value) is the gateway of network '\(network.name.value)'", at: vip.location,
                                  notes: [Diagnostic.Note("the gateway", at: network.gateway!.location)])
            } else if let range = network.libvirt?.dhcpRange, range.start.value <= vip.value && vip.value <= range.end.value {
                diagnostics.error("the API VIP \(vip.value) is inside the libvirt DHCP range of network '\(network.name.value)'",
                                  at: vip.location, notes: [Diagnostic.Note("the range", at: range.start.location)])
            }
    }

    private static func carriesDefaultRoute(_ nic: NIC, _ network: Network) -> Bool {
        network.gateway != nil && nic.defaultRoute?.value != false
    }
}
