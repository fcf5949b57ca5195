extension SiteDecoder {
    /// The hosts of `node` (the value of the `hosts` key at `key`); nil, reported at `key`, when
    /// there are more than `maxHosts`, counted before any is decoded.
    mutating func decodeHosts(_ node: YAMLNode, key: SourceLocation, defaults: HostSettings) -> [Host]? {
        guard let reader = MappingReader(node, what: "'hosts'", allowed: [], diagnostics: &diagnostics) else { return [] }
        if reader.entries.isEmpty {
            diagnostics.error("the site has no hosts", at: node.location)
        }
        if reader.entries.count > Self.maxHosts {
            diagnostics.error("the site has \(reader.entries.count) hosts; the limit is \(Self.maxHosts)", at: key)
            return nil
        }
        return reader.entries.compactMap { decodeHost(name: $0.key, $0.value, defaults: defaults) }
    }

    private mutating func decodeHost(name: Located<String>, _ node: YAMLNode, defaults: HostSettings) -> Host? {
        let what = "host '\(name.value)'"
        let reader = MappingReader(node, what: what, allowed: Self.hostKeys, diagnostics: &diagnostics)
        if reader == nil && !node.isNull { return nil }
        let missingAt = reader?.node.location ?? name.location
        let settings = decodeSettings(reader, over: defaults, what: what)
        for key in ["os", "install_disk", "ssh_authorized_keys"] where !settings.has(key) {
            diagnostics.error("missing required key '\(key)' in \(what) (set it there or in 'defaults')", at: missingAt)
        }

        var roles: [Located<Role>] = []
        var rolesComplete = false
        if let n = reader?.value("roles") {
            if let items = Scalars.list(n, field: "roles", diagnostics: &diagnostics) {
                roles = items.compactMap { role($0) }
                rolesComplete = roles.count == items.count
                if items.isEmpty { diagnostics.error("\(what) has no roles", at: n.location) }
            }
        } else { diagnostics.error("missing required key 'roles' in \(what)", at: missingAt) }

        var labels: [Located<KeyValue>] = []
        if let n = reader?.value("labels"),
           let labelReader = MappingReader(n, what: "'labels' of \(what)", allowed: [], diagnostics: &diagnostics) {
            for (key, value) in labelReader.entries {
                if let text = Scalars.string(value, field: "labels.\(key.value)", diagnostics: &diagnostics) {
                    labels.append(Located(KeyValue(key: key.value, value: text.value), at: key.location))
                }
            }
        }

        let vars = reader?.value("vars").map { decodeVars($0, field: "hosts.\(name.value).vars") } ?? []
        let kernelArgs = reader?.value("kernel_args").map { decodeKernelArgs($0, field: "hosts.\(name.value).kernel_args") }
        var k3s: K3sConfig = []
        if let entry = reader?.entries.first(where: { $0.key.value == "k3s" }) {
            k3sKeys.append(entry.key.location)
            k3s = decodeK3sConfig(entry.value, field: "hosts.\(name.value).k3s")
        }

        var nics: [NIC] = []
        var nicsComplete = false
        if let n = reader?.value("nics") {
            if let items = Scalars.list(n, field: "nics", diagnostics: &diagnostics) {
                if items.isEmpty { diagnostics.error("\(what) has no NICs", at: n.location) }
                // Reading a NIC reports nothing unless some of it (its MAC, its address…) is unreadable.
                let reported = diagnostics.all.count
                nics = items.compactMap { decodeNIC($0, host: name.value) }
                nicsComplete = !items.isEmpty && diagnostics.all.count == reported
            }
        } else { diagnostics.error("missing required key 'nics' in \(what)", at: missingAt) }

        guard let os = settings.os, let installDisk = settings.installDisk else { return nil }
        return Host(name: name, os: os, installDisk: installDisk, user: settings.user ?? Located("core", at: name.location),
                    sshAuthorizedKeys: settings.sshAuthorizedKeys ?? [], timezone: settings.timezone,
                    butane: snippets(settings.butane, defaults: defaults.butane.count, roles: roles), roles: roles, rolesComplete: rolesComplete, nicsComplete: nicsComplete, labels: labels, vars: vars,
                    nics: nics,
                    vm: settings.vm, ignitionVersion: settings.ignitionVersion ?? Located(.default, at: name.location),
                    location: name.location, kernelArgs: kernelArgs, k3s: k3s)
    }

    /// Defaults' snippets, then each role's in the host's order, then the host's own.
    private func snippets(_ all: [ButaneSnippet], defaults: Int, roles: [Located<Role>]) -> [ButaneSnippet] {
        var seen = Set<Role>()
        let fromRoles = roles.compactMap { role -> ButaneSnippet? in
            guard seen.insert(role.value).inserted else { return nil }
            return roleSnippets[role.value]
        }
        return Array(all.prefix(defaults)) + fromRoles + Array(all.dropFirst(defaults))
    }

    private mutating func decodeNIC(_ node: YAMLNode, host: String) -> NIC? {
        guard let reader = MappingReader(node, what: "a NIC of host '\(host)'",
                                         allowed: ["mac", "name", "network", "address", "default_route"],
                                         diagnostics: &diagnostics) else { return nil }
        var mac: Located<MACAddress>?
        if let n = reader.required("mac", diagnostics: &diagnostics),
           let text = Scalars.string(n, field: "mac", diagnostics: &diagnostics) {
            mac = macAddress(text)
        }
        let name = reader.value("name").flatMap { Scalars.string($0, field: "name", diagnostics: &diagnostics) }
        let network = reader.required("network", diagnostics: &diagnostics)
            .flatMap { Scalars.string($0, field: "network", diagnostics: &diagnostics) }
        let address = reader.value("address").flatMap { ipv4Address($0, field: "address") }
        let defaultRoute = reader.value("default_route")
            .flatMap { Scalars.boolean($0, field: "default_route", diagnostics: &diagnostics) }
        guard let mac, let network else { return nil }
        return NIC(mac: mac, name: name, network: network, address: address, defaultRoute: defaultRoute,
                   location: node.location)
    }

    private mutating func macAddress(_ text: Located<String>) -> Located<MACAddress>? {
        switch MACAddress.parse(text.value) {
        case .success(let mac):
            return Located(mac, at: text.location)
        case .failure(.malformed):
            diagnostics.error("'\(text.value)' is not a MAC address (six hex bytes separated by ':' or '-', or three groups by '.')",
                              at: text.location)
        case .failure(.multicast):
            diagnostics.error("MAC address '\(text.value)' is a multicast address; a NIC has a unicast one", at: text.location)
        case .failure(.allZero):
            diagnostics.error("MAC address '\(text.value)' is all zeros", at: text.location)
        }
        return nil
    }
}

extension SiteDecoder {
    /// A role, in igncc's or Kubespray's spelling.
    mutating func role(_ node: YAMLNode) -> Located<Role>? {
        guard let text = Scalars.string(node, field: "roles", diagnostics: &diagnostics) else { return nil }
        if let role = Role(spelling: text.value) { return Located(role, at: text.location) }
        if let k3s = k3sRole(text) { return k3s.map { Located($0, at: text.location) } }
        if let problem = Role.groupProblem(text.value) {
            diagnostics.error(problem, at: text.location)
            return nil
        }
        return enumeration(node, field: "roles", as: Role.self)
    }
}
