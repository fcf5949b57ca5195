/// `kubernetes.distribution: k3s`: `kubernetes.k3s`, and the k3s maps of the site, its roles and
/// its hosts. Every key of a map is checked against k3s's documented flags (`K3sFlag`); which
/// node may carry which key is `SiteValidator`'s (it knows the hosts' roles).
extension SiteDecoder {
    /// Kubespray's settings that mean nothing to k3s, refused at their key.
    static let kubesprayOnlyKeys: [(key: String, instead: String)] = [
        ("version", "the k3s release is 'kubernetes.k3s.version'"),
        ("cluster_name", "k3s has no cluster name setting"),
        ("container_manager", "k3s runs its own containerd"),
        ("vars", "they are Kubespray's group_vars; k3s settings go in 'kubernetes.k3s.config'"),
        ("all_vars", "they are Kubespray's group_vars; k3s settings go in 'kubernetes.k3s.config'"),
    ]

    /// k3s's names for the roles, accepted in a k3s site: a server is a control plane (with its
    /// embedded etcd), an agent a worker.
    static let k3sRoleSpellings: [String: Role] = ["server": .controlPlane, "agent": .worker]

    /// Whether the site's `kubernetes.distribution` is written `k3s`: read before the hosts and
    /// roles are, for k3s's role names. (Its problems are reported when `kubernetes` is decoded.)
    static func declaresK3s(_ top: MappingReader) -> Bool {
        guard let kubernetes = top.value("kubernetes") else { return false }
        return MappingReader.flatten(kubernetes).contains { $0.key.scalar == "distribution" && $0.value.scalar == "k3s" }
    }

    /// The role k3s's `spelling` names in a k3s site; nil otherwise (after reporting, when it is
    /// one of k3s's names in a Kubespray site).
    mutating func k3sRole(_ spelling: Located<String>) -> Role?? {
        guard let role = Self.k3sRoleSpellings[spelling.value] else { return nil }
        if isK3sSite { return .some(role) }
        diagnostics.error("'\(spelling.value)' is k3s's name for role '\(role.rawValue)', which applies with 'kubernetes.distribution: k3s'; with Kubespray, write '\(role.rawValue)'",
                          at: spelling.location)
        return .some(nil)
    }

    /// The network plugins k3s has: its flannel, or none (bring your own CNI).
    static let k3sNetworkPlugins = ["flannel", "none"]

    mutating func refuseKubesprayKeys(_ reader: MappingReader) {
        for (key, instead) in Self.kubesprayOnlyKeys {
            guard let entry = reader.entries.first(where: { $0.key.value == key }) else { continue }
            diagnostics.error("'\(key)' is Kubespray's, not k3s's (\(instead))", at: entry.key.location)
        }
        if let n = reader.value("network_plugin"), let plugin = n.scalar, !Self.k3sNetworkPlugins.contains(plugin) {
            diagnostics.error("network plugin '\(plugin)' is not one k3s has; expected 'flannel' (k3s's own) or 'none' (bring your own)",
                              at: n.location)
        }
    }

    mutating func decodeK3s(_ node: YAMLNode) -> K3sSettings? {
        guard let reader = MappingReader(node, what: "'kubernetes.k3s'",
                                         allowed: ["version", "binary", "sysext", "token_file", "config"],
                                         diagnostics: &diagnostics) else {
            if node.isNull { diagnostics.error("missing required key 'version' in 'kubernetes.k3s'", at: node.location) }
            return nil
        }
        let version = reader.required("version", diagnostics: &diagnostics)
            .flatMap { Scalars.string($0, field: "version", diagnostics: &diagnostics) }
        if let version, !Self.isK3sRelease(version.value) {
            diagnostics.error("k3s version '\(version.value)' must be a k3s release such as 'v1.33.4+k3s1'", at: version.location)
        }
        let binary = reader.value("binary").flatMap { decodeArtifact($0, field: "kubernetes.k3s.binary") }
        let sysext = reader.value("sysext").flatMap { decodeArtifact($0, field: "kubernetes.k3s.sysext") }
        let tokenFile = reader.value("token_file").flatMap { Scalars.string($0, field: "token_file", diagnostics: &diagnostics) }
        if let tokenFile, tokenFile.value.isEmpty || tokenFile.value.hasSuffix("/") || tokenFile.value.contains("\0") {
            diagnostics.error("'token_file' must be a file's path, found '\(tokenFile.value)'", at: tokenFile.location)
        }
        let config = reader.value("config").map { decodeK3sConfig($0, field: "kubernetes.k3s.config") } ?? []
        guard let version else { return nil }
        return K3sSettings(version: version, binary: binary, sysext: sysext, tokenFile: tokenFile, config: config,
                           roleConfigs: roleK3sConfigs, location: node.location)
    }

    static func isDecimalInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy(\.isASCIIDigit) && (digits == "0" || !digits.hasPrefix("0"))
    }

    /// `v<major>.<minor>.<patch>+k3s<n>`, as k3s names its releases.
    static func isK3sRelease(_ text: String) -> Bool {
        guard text.hasPrefix("v"), let plus = text.firstIndex(of: "+") else { return false }
        let numbers = text[text.index(after: text.startIndex)..<plus].split(separator: ".", omittingEmptySubsequences: false)
        let build = text[text.index(after: plus)...]
        return numbers.count == 3 && numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
            && build.hasPrefix("k3s") && build.count > 3 && build.dropFirst(3).allSatisfy(\.isASCIIDigit)
    }

    private mutating func decodeArtifact(_ node: YAMLNode, field: String) -> K3sArtifact? {
        guard let reader = MappingReader(node, what: "'\(field)'", allowed: ["url", "sha256"], diagnostics: &diagnostics) else {
            return nil
        }
        let url = reader.value("url").flatMap { Scalars.string($0, field: "url", diagnostics: &diagnostics) }
        if let url, let problem = ServeURL.imageProblem(url.value) {
            diagnostics.error("'url' \(problem), found '\(url.value)'", at: url.location)
        }
        let sha256 = reader.value("sha256").flatMap { Scalars.string($0, field: "sha256", diagnostics: &diagnostics) }
        if let sha256, sha256.value.utf8.count != 64 || !sha256.value.allSatisfy(\.isHexDigit) {
            diagnostics.error("'sha256' must be 64 hexadecimal digits, found '\(sha256.value)'", at: sha256.location)
        }
        return K3sArtifact(url: url, sha256: sha256, location: node.location)
    }

    /// A k3s map: keys of k3s's config.yaml with scalar or list values, kept as written.
    mutating func decodeK3sConfig(_ node: YAMLNode, field: String) -> K3sConfig {
        guard let reader = MappingReader(node, what: "'\(field)'", allowed: [], diagnostics: &diagnostics) else { return [] }
        var config: K3sConfig = []
        for (key, value) in reader.entries {
            let name = key.value
            guard let flag = K3sFlag.named(name) else {
                var message = "'\(name)' is not a k3s setting (a 'k3s server' or 'k3s agent' flag without '--')"
                if name.hasPrefix("--") || name.hasPrefix("-") {
                    message += "; write it without the dashes"
                } else if let suggestion = Spelling.suggestion(for: name, among: K3sFlag.names) {
                    message += "; did you mean '\(suggestion)'?"
                }
                diagnostics.error(message, at: key.location)
                continue
            }
            if let written = K3sFlag.written.first(where: { $0.name == name }) {
                diagnostics.error("'\(name)' is written by igncc from \(written.source); it may not be set in '\(field)'",
                                  at: key.location)
                continue
            }
            if name == "cluster-reset" || name == "cluster-reset-restore-path" {
                diagnostics.error("'\(name)' is a one-time recovery ('k3s server --\(name)'), not a setting: in config.yaml it would reset the cluster at every start",
                                  at: key.location)
                continue
            }
            if let value = k3sValue(value, flag: flag, field: field) {
                config.append((key, value))
            }
        }
        return config
    }

    /// The value of `flag` as written, or nil after reporting what k3s would not read as meant.
    private mutating func k3sValue(_ node: YAMLNode, flag: K3sFlag, field: String) -> ConfigValue? {
        if node.isNull {
            diagnostics.error("'\(flag.name)' has no value", at: node.location)
            return nil
        }
        if let tag = node.tag {
            diagnostics.error("tag '\(tag)' is not passed to k3s; write the value untagged", at: node.location)
            return nil
        }
        switch (node.kind, flag.kind) {
        case (.scalar(let text, let style), .bool):
            guard style == .plain, text == "true" || text == "false" else {
                diagnostics.error("'\(flag.name)' is a k3s switch: expected true or false, found \(node.kindDescription)",
                                  at: node.location)
                return nil
            }
            return .scalar(ConfigScalar(text))
        case (.scalar, _):
            return k3sScalar(node).map(ConfigValue.scalar)
        case (.sequence(let items), .list):
            var values: [ConfigValue] = []
            for item in items {
                guard case .scalar = item.kind, item.tag == nil, !item.isNull else {
                    diagnostics.error("items of '\(flag.name)' must be strings, found \(item.kindDescription)", at: item.location)
                    continue
                }
                if let scalar = k3sScalar(item) { values.append(.scalar(scalar)) }
            }
            // Each bad item is reported; the list is kept only whole.
            return values.count == items.count ? .list(values, tag: nil) : nil
        case (.sequence, .bool):
            diagnostics.error("'\(flag.name)' is a k3s switch: expected true or false, found a list", at: node.location)
            return nil
        case (.sequence, .value):
            diagnostics.error("'\(flag.name)' takes one value, found a list", at: node.location)
            return nil
        case (.mapping, _):
            diagnostics.error("expected a value or a list of values for '\(flag.name)', found a mapping", at: node.location)
            return nil
        }
    }

    /// A value of a flag: k3s passes it on as the flag's text, so a plain scalar whose text YAML
    /// readers take for something else (`0644` octal, `yes`, `1e3`, `~`) is refused: quoted, it
    /// means its text to every reader. Plain decimal integers mean their text already.
    private mutating func k3sScalar(_ node: YAMLNode) -> ConfigScalar? {
        guard case .scalar(let text, let style) = node.kind else { return nil }
        if style == .plain, !Self.isDecimalInteger(text), case let read = YAML11.resolve(text), read.string == nil {
            diagnostics.error("'\(text)' is read by YAML 1.1 as \(Self.describe(read)), which k3s may not take as the text written; quote it",
                              at: node.location)
            return nil
        }
        let kept: ConfigScalar.Style
        switch style {
        case .plain: kept = .plain
        case .singleQuoted: kept = .singleQuoted
        case .doubleQuoted: kept = .doubleQuoted
        case .literal: kept = .literal
        case .folded: kept = .folded
        }
        return ConfigScalar(text, style: kept)
    }
}
