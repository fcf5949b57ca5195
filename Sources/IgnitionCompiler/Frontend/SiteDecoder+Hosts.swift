extension SiteDecoder {
    mutating func decodeHosts(_ node: YAMLNode, defaults: MappingReader?) -> [Host] {
        guard let reader = MappingReader(node, what: "'hosts'", allowed: [], diagnostics: &diagnostics) else { return [] }
        if reader.entries.isEmpty {
            diagnostics.error("the site has no hosts", at: node.location)
        }
        return reader.entries.compactMap { decodeHost(name: $0.key, $0.value, defaults: defaults) }
    }

    /// The value of an inherited key: the host's own, else the one in `defaults`.
    private func inherited(_ key: String, host: MappingReader?, defaults: MappingReader?) -> YAMLNode? {
        host?.value(key) ?? defaults?.value(key)
    }

    private mutating func decodeHost(name: Located<String>, _ node: YAMLNode, defaults: MappingReader?) -> Host? {
        let what = "host '\(name.value)'"
        let reader = MappingReader(node, what: what, allowed: Self.hostKeys, diagnostics: &diagnostics)
        if reader == nil && !node.isNull { return nil }
        let missingAt = reader?.node.location ?? name.location
        func missing(_ key: String, _ diagnostics: inout Diagnostics) {
            diagnostics.error("missing required key '\(key)' in \(what) (set it there or in 'defaults')", at: missingAt)
        }

        var os: Located<OperatingSystem>?
        if let n = inherited("os", host: reader, defaults: defaults) {
            os = enumeration(n, field: "os", as: OperatingSystem.self)
        } else { missing("os", &diagnostics) }

        var installDisk: Located<String>?
        if let n = inherited("install_disk", host: reader, defaults: defaults) {
            installDisk = Scalars.string(n, field: "install_disk", diagnostics: &diagnostics)
        } else { missing("install_disk", &diagnostics) }

        var user = Located("core", at: name.location)
        if let n = inherited("user", host: reader, defaults: defaults),
           let value = Scalars.string(n, field: "user", diagnostics: &diagnostics) {
            user = value
        }

        var keys: [Located<String>] = []
        if let n = inherited("ssh_authorized_keys", host: reader, defaults: defaults) {
            keys = Scalars.stringList(n, field: "ssh_authorized_keys", diagnostics: &diagnostics)
            if keys.isEmpty, case .sequence(let items) = n.kind, items.isEmpty {
                diagnostics.error("\(what) has no SSH authorized keys: nothing could log in to install it", at: n.location)
            }
        } else { missing("ssh_authorized_keys", &diagnostics) }

        let timezone = inherited("timezone", host: reader, defaults: defaults)
            .flatMap { Scalars.string($0, field: "timezone", diagnostics: &diagnostics) }

        var spec = Located(IgnitionSpec.default, at: name.location)
        if let n = inherited("ignition_version", host: reader, defaults: defaults),
           let value = enumeration(n, field: "ignition_version", as: IgnitionSpec.self) {
            spec = value
        }

        // Snippets accumulate: the defaults' first, then the host's.
        let butane = [defaults?.value("butane"), reader?.value("butane")].compactMap { $0 }
            .compactMap { Scalars.string($0, field: "butane", diagnostics: &diagnostics) }

        var vm = VMSizing()
        for source in [defaults?.value("vm"), reader?.value("vm")].compactMap({ $0 }) {
            decodeVM(source, into: &vm, host: name.value)
        }

        var roles: [Located<Role>] = []
        var rolesComplete = false
        if let n = reader?.value("roles") {
            if let items = Scalars.list(n, field: "roles", diagnostics: &diagnostics) {
                roles = items.compactMap { enumeration($0, field: "roles", as: Role.self) }
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

        var nics: [NIC] = []
        if let n = reader?.value("nics") {
            if let items = Scalars.list(n, field: "nics", diagnostics: &diagnostics) {
                if items.isEmpty { diagnostics.error("\(what) has no NICs", at: n.location) }
                nics = items.compactMap { decodeNIC($0, host: name.value) }
            }
        } else { diagnostics.error("missing required key 'nics' in \(what)", at: missingAt) }

        guard let os, let installDisk else { return nil }
        return Host(name: name, os: os, installDisk: installDisk, user: user, sshAuthorizedKeys: keys,
                    timezone: timezone, butane: butane, roles: roles, rolesComplete: rolesComplete, labels: labels,
                    nics: nics, vm: vm, ignitionVersion: spec, location: name.location)
    }

    private mutating func decodeVM(_ node: YAMLNode, into vm: inout VMSizing, host: String) {
        guard let reader = MappingReader(node, what: "'vm' of host '\(host)'",
                                         allowed: ["memory_mib", "vcpus", "disk_gib"], diagnostics: &diagnostics) else { return }
        func read(_ key: String, _ diagnostics: inout Diagnostics) -> Int? {
            guard let n = reader.value(key), let value = Scalars.integer(n, field: key, diagnostics: &diagnostics) else { return nil }
            if value.value <= 0 {
                diagnostics.error("'\(key)' must be positive, found \(value.value)", at: value.location)
                return nil
            }
            return value.value
        }
        if let v = read("memory_mib", &diagnostics) { vm.memoryMiB = v }
        if let v = read("vcpus", &diagnostics) { vm.vcpus = v }
        if let v = read("disk_gib", &diagnostics) { vm.diskGiB = v }
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
