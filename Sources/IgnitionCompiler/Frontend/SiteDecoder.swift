/// Front-end: the YAML tree of a site file → the `Site` IR, with defaults applied.
/// Reports every schema problem it finds (types, missing and unknown keys, malformed values);
/// cross-cutting rules (uniqueness, membership) are `SiteValidator`'s.
struct SiteDecoder {
    static let supportedVersion = 1
    static let topLevelKeys = ["version", "site", "domain", "defaults", "roles", "networks", "hosts", "kubernetes", "dns", "serve"]
    /// Keys a host may set and `defaults` may provide.
    static let inheritedKeys = ["os", "install_disk", "user", "ssh_authorized_keys", "timezone", "butane", "ignition_version", "vm"]
    static let hostKeys = inheritedKeys + ["roles", "labels", "nics", "vars", "kernel_args", "k3s"]
    /// Most hosts a site may have: five times the largest benchmarked site (10,000 hosts), low
    /// enough to bound the work a site file within the input limit can ask for.
    static let maxHosts = 50_000

    var diagnostics = Diagnostics()
    let baseDirectory: String
    /// The site file's lines, to place the contents of a literal block snippet.
    var sourceLines: [Substring] = []
    /// Texts diagnostics may point into besides the site file: snippet files and non-literal snippets.
    var extraSources: [String: String] = [:]
    var roleSnippets: [Role: ButaneSnippet] = [:]
    var nextSnippetID = 0
    /// `roles.<role>.k3s`, in source order, for `kubernetes.k3s`.
    var roleK3sConfigs: [(role: Located<Role>, config: K3sConfig)] = []
    /// Where each `k3s` key of a role or host is: refused unless the distribution is k3s.
    var k3sKeys: [SourceLocation] = []
    /// Whether `kubernetes.distribution` says k3s (read first: k3s's role names depend on it).
    var isK3sSite = false

    init(baseDirectory: String, source: String = "") {
        self.baseDirectory = baseDirectory
        sourceLines = Lines.split(source)
    }

    mutating func decode(_ root: YAMLNode) -> Site? {
        guard let top = MappingReader(root, what: "the site", allowed: Self.topLevelKeys, diagnostics: &diagnostics) else {
            if root.isNull { diagnostics.error("the site file is empty", at: root.location) }
            return nil
        }
        guard let versionNode = top.required("version", diagnostics: &diagnostics),
              let version = Scalars.integer(versionNode, field: "version", diagnostics: &diagnostics) else { return nil }
        guard version.value == Self.supportedVersion else {
            diagnostics.error("unsupported site format version \(version.value); this igncc reads version \(Self.supportedVersion)",
                              at: version.location)
            return nil
        }
        let name = top.required("site", diagnostics: &diagnostics).flatMap { siteName($0) }
        let domain = top.required("domain", diagnostics: &diagnostics).flatMap { domainName($0) }
        let defaultsReader = top.value("defaults").flatMap {
            MappingReader($0, what: "'defaults'", allowed: Self.inheritedKeys + ["vars", "kernel_args"], diagnostics: &diagnostics)
        }
        if let key = defaultsReader?.entries.first(where: { $0.key.value == "kernel_args" })?.key {
            // The site-wide list lives with the other boot settings; a host may replace it.
            diagnostics.error("'kernel_args' is not a default: set the live kernel arguments of every host in 'serve.kernel_args', and a host's own (which replace them) in its 'kernel_args'",
                              at: key.location)
        }
        if let key = defaultsReader?.entries.first(where: { $0.key.value == "vars" })?.key {
            // A default is a value each host may replace with its own; variables for every host
            // already have their place, and a host's `vars` add to them rather than replace them.
            diagnostics.error("'vars' is not a default: set variables for every host in 'kubernetes.all_vars' (group_vars/all), for the cluster's nodes in 'kubernetes.vars', and a host's own in its 'vars'",
                              at: key.location)
        }
        let defaults = decodeSettings(defaultsReader, over: HostSettings(), what: "'defaults'")
        isK3sSite = Self.declaresK3s(top)
        if let rolesNode = top.value("roles") { decodeRoles(rolesNode) }
        let networks = top.required("networks", diagnostics: &diagnostics).map { decodeNetworks($0) } ?? []
        var hosts: [Host] = []
        if let hostsNode = top.required("hosts", diagnostics: &diagnostics) {
            let key = top.entries.first { $0.key.value == "hosts" }?.key.location ?? hostsNode.location
            // Past the host limit nothing else is decoded or checked: the site is refused.
            guard let decoded = decodeHosts(hostsNode, key: key, defaults: defaults) else { return nil }
            hosts = decoded
        }
        let kubernetes = top.value("kubernetes").flatMap { decodeKubernetes($0) }
        if kubernetes?.isK3s != true {
            for key in k3sKeys {
                diagnostics.error("'k3s' applies with 'kubernetes.distribution: k3s'; this site's distribution is '\(kubernetes?.distribution?.value.rawValue ?? "kubespray")'",
                                  at: key)
            }
        }
        let dns = top.value("dns").flatMap { decodeDNS($0) }
        let serve = top.value("serve").flatMap { decodeServe($0) }
        // A missing name or domain is already reported; validate the rest regardless, so
        // one run shows every problem.
        let unnamed = Located("", at: root.location)
        return Site(version: version.value, name: name ?? unnamed, domain: domain ?? unnamed, networks: networks, hosts: hosts,
                    kubernetes: kubernetes, dns: dns, serve: serve, baseDirectory: baseDirectory)
    }

    private mutating func siteName(_ node: YAMLNode) -> Located<String>? {
        guard let name = Scalars.string(node, field: "site", diagnostics: &diagnostics) else { return nil }
        if name.value.isEmpty || !name.value.allSatisfy({ ("a"..."z").contains($0) || $0.isASCIIDigit || $0 == "-" }) {
            diagnostics.error("site name '\(name.value)' must be lowercase letters, digits and '-'", at: name.location)
        }
        return name
    }

    private mutating func domainName(_ node: YAMLNode) -> Located<String>? {
        guard let domain = Scalars.string(node, field: "domain", diagnostics: &diagnostics) else { return nil }
        var name = domain.value
        if name.hasSuffix(".") { name.removeLast() }
        if let problem = DNSName.problem(in: name) {
            diagnostics.error("domain '\(domain.value)' \(problem)", at: domain.location)
        }
        return Located(name.lowercased(), at: domain.location)
    }

    // MARK: Networks

    private mutating func decodeNetworks(_ node: YAMLNode) -> [Network] {
        guard let reader = MappingReader(node, what: "'networks'", allowed: [], diagnostics: &diagnostics) else { return [] }
        return reader.entries.compactMap { decodeNetwork(name: $0.key, $0.value) }
    }

    private mutating func decodeNetwork(name: Located<String>, _ node: YAMLNode) -> Network? {
        if !Names.isSimpleIdentifier(name.value) {
            diagnostics.error("network name '\(name.value)' must be letters, digits, '-' and '_'", at: name.location)
        }
        let what = "network '\(name.value)'"
        guard let reader = MappingReader(node, what: what, allowed: ["cidr", "gateway", "dns", "search", "libvirt", "dhcp"],
                                         diagnostics: &diagnostics) else {
            if node.isNull { diagnostics.error("missing required key 'cidr' in \(what)", at: node.location) }
            return nil
        }
        let cidr = reader.required("cidr", diagnostics: &diagnostics).flatMap { ipv4Network($0, field: "cidr") }
        let gateway = reader.value("gateway").flatMap { ipv4Address($0, field: "gateway") }
        let dns = reader.value("dns").map { addressList($0, field: "dns") } ?? []
        var search: [Located<String>] = []
        if let n = reader.value("search") {
            search = Scalars.stringList(n, field: "search", diagnostics: &diagnostics)
            for entry in search {
                if let problem = DNSName.problem(in: entry.value) {
                    diagnostics.error("search domain '\(entry.value)' \(problem)", at: entry.location)
                }
            }
        }
        let libvirt = reader.value("libvirt").flatMap { decodeLibvirt($0, network: name.value) }
        let dhcp = reader.entries.first { $0.key.value == "dhcp" }.flatMap { decodeDHCP($0.value, key: $0.key, network: name.value) }
        guard let cidr else { return nil }
        return Network(name: name, cidr: cidr, gateway: gateway, dns: dns, search: search, libvirt: libvirt,
                       location: name.location, dhcp: dhcp)
    }

    private mutating func decodeLibvirt(_ node: YAMLNode, network: String) -> LibvirtNetwork? {
        guard let reader = MappingReader(node, what: "'libvirt' of network '\(network)'",
                                         allowed: ["mode", "bridge", "address", "dhcp_range"], diagnostics: &diagnostics) else { return nil }
        var mode = Located(LibvirtNetwork.Mode.nat, at: node.location)
        if let modeNode = reader.value("mode"), let parsed = enumeration(modeNode, field: "mode", as: LibvirtNetwork.Mode.self) {
            mode = parsed
        }
        let bridge = reader.value("bridge").flatMap { Scalars.string($0, field: "bridge", diagnostics: &diagnostics) }
        var address = reader.value("address").flatMap { ipv4Address($0, field: "address") }
        var range: (start: Located<IPv4Address>, end: Located<IPv4Address>)?
        if let rangeNode = reader.value("dhcp_range"), let items = Scalars.list(rangeNode, field: "dhcp_range", diagnostics: &diagnostics) {
            if items.count != 2 {
                diagnostics.error("'dhcp_range' needs exactly two addresses, the first and the last, found \(items.count)",
                                  at: rangeNode.location)
            } else if let start = ipv4Address(items[0], field: "dhcp_range"), let end = ipv4Address(items[1], field: "dhcp_range") {
                range = (start, end)
            }
        }
        if mode.value == .bridge {
            // libvirt's bridge mode (formatnetwork): the VMs join a bridge the lab host already has
            // on the real network; libvirt neither creates it nor puts an address or dnsmasq on it.
            let note = [Diagnostic.Note("mode 'bridge' set here", at: mode.location)]
            if bridge == nil {
                diagnostics.error("mode 'bridge' attaches the VMs to an existing bridge of the lab host: 'bridge' must name it",
                                  at: mode.location)
            }
            if let n = reader.value("address") {
                diagnostics.error("'address' does not apply to mode 'bridge': the lab host's address on that bridge is its own, not libvirt's",
                                  at: n.location, notes: note)
                address = nil
            }
            if let n = reader.value("dhcp_range") {
                diagnostics.error("'dhcp_range' does not apply to mode 'bridge': libvirt serves no DHCP there (the real network's server does)",
                                  at: n.location, notes: note)
                range = nil
            }
        }
        return LibvirtNetwork(mode: mode, bridge: bridge, dhcpRange: range, address: address)
    }

    // MARK: Shared value readers

    mutating func ipv4Address(_ node: YAMLNode, field: String) -> Located<IPv4Address>? {
        guard let text = Scalars.string(node, field: field, diagnostics: &diagnostics) else { return nil }
        guard let address = IPv4Address(text.value) else {
            diagnostics.error("'\(text.value)' is not an IPv4 address (for '\(field)')", at: text.location)
            return nil
        }
        return Located(address, at: text.location)
    }

    mutating func addressList(_ node: YAMLNode, field: String) -> [Located<IPv4Address>] {
        guard let items = Scalars.list(node, field: field, diagnostics: &diagnostics) else { return [] }
        return items.compactMap { ipv4Address($0, field: field) }
    }

    mutating func ipv4Network(_ node: YAMLNode, field: String) -> Located<IPv4Network>? {
        guard let text = Scalars.string(node, field: field, diagnostics: &diagnostics) else { return nil }
        switch IPv4Network.parse(text.value) {
        case .success(let network):
            return Located(network, at: text.location)
        case .failure(.hostBitsSet(let network)):
            diagnostics.error("'\(text.value)' has host bits set; the network is '\(network)'", at: text.location)
        case .failure(.malformed):
            diagnostics.error("'\(text.value)' is not an IPv4 network in CIDR notation (for '\(field)')", at: text.location)
        }
        return nil
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ node: YAMLNode, field: String, as type: E.Type) -> Located<E>?
    where E.RawValue == String {
        guard let text = Scalars.string(node, field: field, diagnostics: &diagnostics) else { return nil }
        guard let value = E(rawValue: text.value) else {
            let allowed = E.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            var message = "'\(text.value)' is not a valid '\(field)'; expected one of \(allowed)"
            if let suggestion = Spelling.suggestion(for: text.value, among: E.allCases.map(\.rawValue)) {
                message += "; did you mean '\(suggestion)'?"
            }
            diagnostics.error(message, at: text.location)
            return nil
        }
        return Located(value, at: text.location)
    }
}
