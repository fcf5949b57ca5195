/// The sections read here are type-checked now and used by the inventory, DNS and serve backends.
extension SiteDecoder {
    mutating func decodeKubernetes(_ node: YAMLNode) -> Kubernetes? {
        let keys = ["distribution", "version", "cluster_name", "network_plugin", "container_manager", "pods_cidr", "services_cidr",
                    "node_network", "api", "vars", "all_vars", "k3s"]
        guard let reader = MappingReader(node, what: "'kubernetes'", allowed: keys, diagnostics: &diagnostics) else { return nil }
        func string(_ key: String, _ diagnostics: inout Diagnostics) -> Located<String>? {
            reader.value(key).flatMap { Scalars.string($0, field: key, diagnostics: &diagnostics) }
        }
        let distribution = reader.value("distribution").flatMap { enumeration($0, field: "distribution", as: Distribution.self) }
        let isK3s = distribution?.value == .k3s
        if isK3s { refuseKubesprayKeys(reader) }
        let api = reader.value("api").flatMap { decodeAPI($0) }
        let vars = reader.value("vars").map { decodeVars($0, field: "kubernetes.vars") } ?? []
        let allVars = reader.value("all_vars").map { decodeVars($0, field: "kubernetes.all_vars") } ?? []
        var k3s: K3sSettings?
        if isK3s {
            k3s = reader.required("k3s", diagnostics: &diagnostics).flatMap { decodeK3s($0) }
        } else if let key = reader.entries.first(where: { $0.key.value == "k3s" })?.key {
            diagnostics.error("'k3s' applies with 'kubernetes.distribution: k3s'; this site's distribution is '\(distribution?.value.rawValue ?? "kubespray")'",
                              at: key.location)
        }
        return Kubernetes(
            distribution: distribution,
            k3s: k3s,
            version: string("version", &diagnostics),
            clusterName: string("cluster_name", &diagnostics),
            networkPlugin: string("network_plugin", &diagnostics),
            containerManager: string("container_manager", &diagnostics),
            podsCIDR: reader.value("pods_cidr").flatMap { ipv4Network($0, field: "pods_cidr") },
            servicesCIDR: reader.value("services_cidr").flatMap { ipv4Network($0, field: "services_cidr") },
            nodeNetwork: string("node_network", &diagnostics),
            api: api,
            vars: vars,
            allVars: allVars)
    }

    private mutating func decodeAPI(_ node: YAMLNode) -> Kubernetes.API? {
        guard let reader = MappingReader(node, what: "'kubernetes.api'", allowed: ["name", "vip", "extra_addresses", "provider", "mode", "bgp"],
                                         diagnostics: &diagnostics) else { return nil }
        let name = reader.required("name", diagnostics: &diagnostics)
            .flatMap { Scalars.string($0, field: "name", diagnostics: &diagnostics) }
        let vip = reader.value("vip").flatMap { ipv4Address($0, field: "vip") }
        let extra = reader.value("extra_addresses").map { addressList($0, field: "extra_addresses") } ?? []
        var listed: [IPv4Address: SourceLocation] = [:]
        for address in extra {
            if let first = listed[address.value] {
                diagnostics.error("address \(address.value) is listed twice in 'extra_addresses'", at: address.location,
                                  notes: [Diagnostic.Note("first listed here", at: first)])
            }
            listed[address.value] = listed[address.value] ?? address.location
        }
        let provider = reader.value("provider").flatMap { enumeration($0, field: "provider", as: Kubernetes.API.VIPProvider.self) }
        let mode = reader.value("mode").flatMap { enumeration($0, field: "mode", as: Kubernetes.API.VIPMode.self) }
        let bgp = reader.value("bgp").flatMap { decodeBGP($0) }
        if let name, let problem = DNSName.problem(in: name.value) {
            diagnostics.error("API name '\(name.value)' \(problem)", at: name.location)
        }
        // What only means something with a VIP, or with kube-vip, or in BGP mode.
        if reader.value("vip") == nil {
            for key in ["provider", "mode", "bgp"] {
                if let n = reader.value(key) {
                    diagnostics.error("'\(key)' says how the API VIP is provided, but 'kubernetes.api' has no 'vip'", at: n.location)
                }
            }
        } else if provider?.value == .external {
            for key in ["mode", "bgp"] {
                if let n = reader.value(key) {
                    diagnostics.error("'\(key)' is kube-vip's, but the VIP's provider is 'external'", at: n.location,
                                      notes: [Diagnostic.Note("the provider", at: provider!.location)])
                }
            }
        } else if mode?.value == .bgp, bgp == nil, reader.value("bgp") == nil {
            diagnostics.error("mode 'bgp' needs 'bgp' (the local AS and the peers)", at: mode!.location)
        } else if mode?.value != .bgp, let n = reader.value("bgp") {
            diagnostics.error("'bgp' applies with 'mode: bgp'; kube-vip announces the VIP by ARP otherwise", at: n.location)
        }
        guard let name else { return nil }
        return Kubernetes.API(name: name, vip: vip, extraAddresses: extra, provider: provider, mode: mode, bgp: bgp)
    }

    private mutating func decodeBGP(_ node: YAMLNode) -> Kubernetes.API.BGP? {
        guard let reader = MappingReader(node, what: "'kubernetes.api.bgp'", allowed: ["as", "peers"], diagnostics: &diagnostics) else {
            return nil
        }
        let localAS = reader.required("as", diagnostics: &diagnostics).flatMap { asNumber($0, field: "as") }
        var peers: [Kubernetes.API.BGP.Peer] = []
        if let n = reader.required("peers", diagnostics: &diagnostics), let items = Scalars.list(n, field: "peers", diagnostics: &diagnostics) {
            if items.isEmpty { diagnostics.error("'peers' needs at least one BGP peer", at: n.location) }
            for item in items {
                guard let peer = MappingReader(item, what: "a BGP peer", allowed: ["address", "as", "password", "multihop"],
                                               diagnostics: &diagnostics) else { continue }
                let address = peer.required("address", diagnostics: &diagnostics).flatMap { ipv4Address($0, field: "address") }
                let remoteAS = peer.required("as", diagnostics: &diagnostics).flatMap { asNumber($0, field: "as") }
                let password = peer.value("password").flatMap { Scalars.string($0, field: "password", diagnostics: &diagnostics) }
                if let password, password.value.contains(":") || password.value.contains(",") {
                    // kube-vip reads its peers as address:as:password:multihop, comma-separated.
                    diagnostics.error("a BGP password may not contain ':' or ',' (kube-vip's peer list separators)",
                                      at: password.location)
                }
                let multihop = peer.value("multihop").flatMap { Scalars.boolean($0, field: "multihop", diagnostics: &diagnostics) }
                if let address, let remoteAS {
                    peers.append(.init(address: address, remoteAS: remoteAS, password: password, multihop: multihop))
                }
            }
        }
        guard let localAS else { return nil }
        return Kubernetes.API.BGP(localAS: localAS, peers: peers, location: node.location)
    }

    /// A BGP AS number: 1 to 4294967295 (four-byte ASNs).
    private mutating func asNumber(_ node: YAMLNode, field: String) -> Located<Int>? {
        guard let number = Scalars.integer(node, field: field, diagnostics: &diagnostics) else { return nil }
        guard (1...4_294_967_295).contains(number.value) else {
            diagnostics.error("'\(field)' must be an AS number from 1 to 4294967295, found \(number.value)", at: number.location)
            return nil
        }
        return number
    }

    mutating func decodeDNS(_ node: YAMLNode) -> DNSConfig? {
        guard let reader = MappingReader(node, what: "'dns'", allowed: ["ttl", "email", "nameservers", "records", "reverse"],
                                         diagnostics: &diagnostics) else { return nil }
        let ttl = reader.value("ttl").flatMap { Scalars.integer($0, field: "ttl", diagnostics: &diagnostics) }
        if let ttl, ttl.value < 0 || ttl.value > Int(Int32.max) {
            diagnostics.error("'ttl' must be between 0 and 2147483647, found \(ttl.value)", at: ttl.location)
        }
        let email = reader.value("email").flatMap { Scalars.string($0, field: "email", diagnostics: &diagnostics) }
        let nameservers = reader.value("nameservers")
            .map { Scalars.stringList($0, field: "nameservers", diagnostics: &diagnostics) } ?? []
        var records: [DNSRecord] = []
        if let n = reader.value("records"), let items = Scalars.list(n, field: "records", diagnostics: &diagnostics) {
            records = items.compactMap { decodeRecord($0) }
        }
        let reverse = reader.value("reverse")
            .flatMap { Scalars.boolean($0, field: "reverse", diagnostics: &diagnostics) }?.value ?? false
        return DNSConfig(ttl: ttl, email: email, nameservers: nameservers, records: records, reverse: reverse,
                         location: node.location)
    }

    private mutating func decodeRecord(_ node: YAMLNode) -> DNSRecord? {
        guard let reader = MappingReader(node, what: "a DNS record", allowed: ["name", "type", "value", "ttl"],
                                         diagnostics: &diagnostics) else { return nil }
        let name = reader.required("name", diagnostics: &diagnostics)
            .flatMap { Scalars.string($0, field: "name", diagnostics: &diagnostics) }
        let type = reader.required("type", diagnostics: &diagnostics)
            .flatMap { enumeration($0, field: "type", as: DNSRecord.RecordType.self) }
        let value = reader.required("value", diagnostics: &diagnostics)
            .flatMap { Scalars.string($0, field: "value", diagnostics: &diagnostics) }
        let ttl = reader.value("ttl").flatMap { Scalars.integer($0, field: "ttl", diagnostics: &diagnostics) }
        guard let name, let type, let value else { return nil }
        if type.value == .A, IPv4Address(value.value) == nil {
            diagnostics.error("'\(value.value)' is not an IPv4 address (for an A record)", at: value.location)
        }
        return DNSRecord(name: name, type: type, value: value, ttl: ttl, location: node.location)
    }

    mutating func decodeServe(_ node: YAMLNode) -> Serve? {
        guard let reader = MappingReader(node, what: "'serve'", allowed: ["base_url", "images", "kernel_args"],
                                         diagnostics: &diagnostics) else { return nil }
        let url = reader.value("base_url").flatMap { Scalars.string($0, field: "base_url", diagnostics: &diagnostics) }
        if let url {
            let lower = url.value.lowercased()
            let rest = lower.hasPrefix("http://") ? lower.dropFirst(7) : lower.hasPrefix("https://") ? lower.dropFirst(8) : nil
            if rest == nil || rest!.isEmpty || rest!.hasPrefix("/") || url.value.contains(where: \.isWhitespace) {
                diagnostics.error("'base_url' must be an http:// or https:// URL with a host, found '\(url.value)'",
                                  at: url.location)
            } else if let bad = ServeURL.foreignCharacter(in: url.value) {
                diagnostics.error("'base_url' may not contain '\(bad)' (not a URL character), found '\(url.value)'",
                                  at: url.location)
            }
        }
        var images = Serve.Images()
        if let n = reader.value("images"),
           let imagesReader = MappingReader(n, what: "'serve.images'", allowed: ["fcos", "flatcar"], diagnostics: &diagnostics) {
            if let fcos = imagesReader.value("fcos") {
                images.fcos = decodeImages(fcos, what: "'serve.images.fcos'", allowed: ["kernel", "initramfs", "rootfs"])
            }
            if let flatcar = imagesReader.value("flatcar") {
                images.flatcar = decodeImages(flatcar, what: "'serve.images.flatcar'", allowed: ["kernel", "initramfs"])
            }
        }
        let kernelArgs = reader.value("kernel_args").map { decodeKernelArgs($0, field: "serve.kernel_args") } ?? []
        return Serve(baseURL: url, images: images, kernelArgs: kernelArgs, location: node.location)
    }

    /// One OS's boot images: each an http(s) URL or a path relative to `base_url`.
    private mutating func decodeImages(_ node: YAMLNode, what: String, allowed: [String]) -> Serve.OSImages {
        guard let reader = MappingReader(node, what: what, allowed: allowed, diagnostics: &diagnostics) else {
            return Serve.OSImages()
        }
        func image(_ key: String, _ diagnostics: inout Diagnostics) -> Located<String>? {
            guard let value = reader.value(key).flatMap({ Scalars.string($0, field: key, diagnostics: &diagnostics) }) else {
                return nil
            }
            if let problem = ServeURL.imageProblem(value.value) {
                diagnostics.error("'\(key)' \(problem), found '\(value.value)'", at: value.location)
                return nil
            }
            return value
        }
        return Serve.OSImages(kernel: image("kernel", &diagnostics), initramfs: image("initramfs", &diagnostics),
                              rootfs: image("rootfs", &diagnostics))
    }
}

/// The URLs of the `serve` section: they are written unquoted into iPXE scripts, whose settings
/// syntax (`${…}`) and word splitting a stray character would change.
enum ServeURL {
    /// The first character that RFC 3986 does not allow anywhere in a URI (whitespace, quotes,
    /// braces, backslash, non-ASCII…), if any.
    static func foreignCharacter(in text: String) -> Character? {
        text.first { c in
            !(c.isASCII && (c.isLetter || c.isNumber || "-._~:/?#[]@!$&'()*+,;=%".contains(c)))
        }
    }

    /// Why `text` is neither an http(s) URL with a host nor a path relative to `base_url`, or nil.
    static func imageProblem(_ text: String) -> String? {
        let lower = text.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            let rest = lower.drop { $0 != "/" }.dropFirst(2)
            if rest.isEmpty || rest.hasPrefix("/") { return "must be an http:// or https:// URL with a host" }
        } else if text.isEmpty || text.hasPrefix("/") || text.split(separator: "/").first?.contains(":") == true {
            return "must be an http:// or https:// URL, or a path relative to 'base_url' (no leading '/')"
        }
        if let bad = foreignCharacter(in: text) { return "may not contain '\(bad)' (not a URL character)" }
        return nil
    }
}
