/// One k3s node's `/etc/rancher/k3s/config.yaml`: the keys igncc writes from site.yaml (how the
/// node joins, its address, the cluster's subnets, its labels, the API's names), then the site's,
/// the host's roles' and the host's own k3s settings laid over each other.
///
/// A later map replaces a key of an earlier one, except `node-label`, `node-taint` and `tls-san`,
/// whose items are appended (after igncc's own). The site-wide settings go to the nodes whose k3s
/// command reads them: server-only ones to servers, agent-only ones to agents.
struct K3sNodeConfig {
    enum Kind: Equatable { case server, agent }

    var kind: Kind
    /// In the order they are set; the rendered document sorts them as yaml.v3 does.
    var entries: [(key: String, value: JSONValue)] = []

    /// Where the node's files are on the host.
    static let configPath = "/etc/rancher/k3s/config.yaml"
    static let tokenPath = "/etc/rancher/k3s/token"
    static let apiPort = 6443
    static let appendedKeys: Set<String> = ["node-label", "node-taint", "tls-san"]

    /// The config of `host`, a node of the k3s site `site`; nil when the site is not a k3s one.
    init?(host: Host, in site: Site) {
        guard let kubernetes = site.kubernetes, let k3s = kubernetes.k3s else { return nil }
        kind = host.isK3sServer ? .server : .agent
        let firstServer = site.hosts.first(where: \.isK3sServer)
        if kind == .server, firstServer?.name.value == host.name.value {
            set("cluster-init", .bool(true))
        } else if let url = Self.joinURL(in: site) {
            set("server", .string(url))
        }
        set("token-file", .string(Self.tokenPath))
        let plugin = kubernetes.networkPlugin?.value ?? "flannel"
        if kind == .server {
            if let pods = kubernetes.podsCIDR { set("cluster-cidr", .string(pods.value.description)) }
            if let services = kubernetes.servicesCIDR { set("service-cidr", .string(services.value.description)) }
            if plugin == "none" { set("flannel-backend", .string("none")) }
        }
        let nic = Self.nodeNIC(of: host, in: site)
        if let address = nic?.address { set("node-ip", .string(address.value.description)) }
        if plugin != "none", let name = nic?.name { set("flannel-iface", .string(name.value)) }
        let labels = host.labels.map { JSONValue.string("\($0.value.key)=\($0.value.value)") }
        if !labels.isEmpty { set("node-label", .array(labels)) }
        if kind == .server {
            let sans = Self.apiNames(in: site).map(JSONValue.string)
            if !sans.isEmpty { set("tls-san", .array(sans)) }
        }

        for (key, value) in k3s.config {
            guard let flag = K3sFlag.named(key.value) else { continue }
            if flag.scope == .server && kind == .agent || flag.scope == .agent && kind == .server { continue }
            lay(flag, value)
        }
        var seen = Set<Role>()
        for role in host.roles where seen.insert(role.value).inserted {
            for (key, value) in k3s.config(of: role.value) ?? [] {
                if let flag = K3sFlag.named(key.value) { lay(flag, value) }
            }
        }
        for (key, value) in host.k3s {
            if let flag = K3sFlag.named(key.value) { lay(flag, value) }
        }
    }

    /// The document k3s reads.
    func render() -> [UInt8] {
        GoYAMLEmitter.document(.object(entries.map { ($0.key, $0.value) }))
    }

    private mutating func set(_ key: String, _ value: JSONValue) {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.append((key, value))
        }
    }

    /// A setting of site.yaml laid over what is there: its text (k3s passes flag values on as
    /// text; the front-end refused plain scalars read otherwise), switches as booleans.
    private mutating func lay(_ flag: K3sFlag, _ value: ConfigValue) {
        let converted: JSONValue
        switch value {
        case .scalar(let scalar):
            converted = flag.kind == .bool ? .bool(scalar.text == "true") : .string(scalar.text)
        case .list(let items, _):
            converted = .array(items.compactMap { item in
                if case .scalar(let scalar) = item { return .string(scalar.text) }
                return nil
            })
        case .map:
            return  // refused by the front-end
        }
        if Self.appendedKeys.contains(flag.name), let index = entries.firstIndex(where: { $0.key == flag.name }),
           case .array(let earlier) = entries[index].value {
            entries[index].value = .array(earlier + Self.items(converted))
        } else {
            set(flag.name, converted)
        }
    }

    private static func items(_ value: JSONValue) -> [JSONValue] {
        if case .array(let items) = value { return items }
        return [value]
    }

    /// The address the nodes other than the first server join at: the API name's FQDN when the
    /// site has one (its VIP, or round-robin over the servers), else the first server's address.
    static func joinURL(in site: Site) -> String? {
        if let api = site.kubernetes?.api {
            return "https://\(api.name.value).\(site.domain.value):\(apiPort)"
        }
        guard let first = site.hosts.first(where: \.isK3sServer), let address = nodeNIC(of: first, in: site)?.address else {
            return nil
        }
        return "https://\(address.value):\(apiPort)"
    }

    /// The names and addresses clients reach the API at: the servers' certificate SANs.
    static func apiNames(in site: Site) -> [String] {
        guard let api = site.kubernetes?.api else { return [] }
        var names = [api.name.value, "\(api.name.value).\(site.domain.value)"]
        if let vip = api.vip { names.append(vip.value.description) }
        for extra in api.extraAddresses where !names.contains(extra.value.description) {
            names.append(extra.value.description)
        }
        return names
    }

    /// The NIC of the node network (`kubernetes.node_network`, else the first static address on a
    /// network with a gateway, else the first static address): Kubespray's `ip` rule.
    static func nodeNIC(of host: Host, in site: Site) -> NIC? {
        let statics = host.nics.filter { $0.address != nil }
        if let network = site.kubernetes?.nodeNetwork?.value {
            return statics.first { $0.network.value == network }
        }
        return statics.first { site.network(named: $0.network.value)?.gateway != nil } ?? statics.first
    }
}
