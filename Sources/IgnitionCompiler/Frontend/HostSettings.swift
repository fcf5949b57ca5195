/// The keys a host may inherit from `defaults`, decoded to typed values. `defaults` is decoded
/// once and each host's own keys are laid over it, so a problem in `defaults` is found (and
/// reported) once, not once per host.
struct HostSettings {
    var os: Located<OperatingSystem>?
    var installDisk: Located<String>?
    var user: Located<String>?
    var sshAuthorizedKeys: [Located<String>]?
    var timezone: Located<String>?
    var ignitionVersion: Located<IgnitionSpec>?
    /// Snippets accumulate: the defaults' first, then the host's.
    var butane: [ButaneSnippet] = []
    /// Sizing merges field by field.
    var vm = VMSizing()
    /// Keys that were written, even if their value could not be read (that is reported already):
    /// such a key is not reported missing as well.
    var written: Set<String> = []

    func has(_ key: String) -> Bool { written.contains(key) }
}

extension SiteDecoder {
    /// The settings of `reader` (a host or `defaults`) laid over `base`. `what` names the mapping.
    mutating func decodeSettings(_ reader: MappingReader?, over base: HostSettings, what: String) -> HostSettings {
        var settings = base
        guard let reader else { return settings }
        for key in Self.inheritedKeys where reader.has(key) { settings.written.insert(key) }
        if let n = reader.value("os") {
            settings.os = enumeration(n, field: "os", as: OperatingSystem.self)
        }
        if let n = reader.value("install_disk") {
            settings.installDisk = Scalars.string(n, field: "install_disk", diagnostics: &diagnostics)
        }
        if let n = reader.value("user") {
            settings.user = Scalars.string(n, field: "user", diagnostics: &diagnostics)
        }
        if let n = reader.value("ssh_authorized_keys") {
            let keys = Scalars.stringList(n, field: "ssh_authorized_keys", diagnostics: &diagnostics)
            if keys.isEmpty, case .sequence(let items) = n.kind, items.isEmpty {
                diagnostics.error("\(what) has no SSH authorized keys: nothing could log in to install it", at: n.location)
            }
            settings.sshAuthorizedKeys = keys
        }
        if let n = reader.value("timezone") {
            settings.timezone = Scalars.string(n, field: "timezone", diagnostics: &diagnostics)
        }
        if let n = reader.value("ignition_version") {
            settings.ignitionVersion = enumeration(n, field: "ignition_version", as: IgnitionSpec.self)
        }
        if let n = reader.value("butane"), let snippet = decodeSnippet(n, origin: what == "'defaults'" ? .defaults : .host(hostName(what))) {
            settings.butane.append(snippet)
        }
        if let n = reader.value("vm") {
            decodeVM(n, into: &settings.vm, what: "'vm' of \(what)")
        }
        return settings
    }

    /// The host name in "host 'name'".
    private func hostName(_ what: String) -> String {
        String(what.dropFirst("host '".count).dropLast())
    }

    private mutating func decodeVM(_ node: YAMLNode, into vm: inout VMSizing, what: String) {
        guard let reader = MappingReader(node, what: what, allowed: ["memory_mib", "vcpus", "disk_gib", "image"],
                                         diagnostics: &diagnostics) else { return }
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
        if let n = reader.value("image"), let image = Scalars.string(n, field: "image", diagnostics: &diagnostics) {
            if !image.value.hasPrefix("/") {
                diagnostics.error("'image' must be an absolute path, found '\(image.value)'", at: image.location)
            } else if image.value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                diagnostics.error("'image' may not contain control characters", at: image.location)
            } else {
                vm.image = image
            }
        }
    }
}
