/// `kubernetes.vars`, `kubernetes.all_vars` and a host's `vars`: Ansible variables passed through
/// to Kubespray as written. Every scalar keeps its text, style and tag, so that Ansible reads
/// igncc's group_vars and host_vars as it would read the user's own text; what Ansible could not read, or would read differently, is refused here.
extension SiteDecoder {
    /// YAML's core tags (`!!name`) that PyYAML reads into a value Ansible can hold.
    static let coreTags = ["str", "int", "float", "bool", "null", "seq", "map"]

    mutating func decodeVars(_ node: YAMLNode, field: String) -> [(key: Located<String>, value: ConfigValue)] {
        guard let reader = MappingReader(node, what: "'\(field)'", allowed: [], diagnostics: &diagnostics) else { return [] }
        var vars: [(key: Located<String>, value: ConfigValue)] = []
        for ((key, value), keyNode) in zip(reader.entries, reader.keyNodes) {
            let problem: String?
            if let tag = keyNode.tag {
                problem = tag == YAML11.tag("str") ? nil : "tagged '\(tag)'"
            } else if keyNode.isPlainScalar, case let read = YAML11.resolve(key.value), read.string == nil {
                problem = "read by Ansible as \(Self.describe(read))"
            } else {
                problem = nil
            }
            if let problem {
                diagnostics.error("variable name '\(key.value)' in '\(field)' is \(problem); variable names are strings (quote it)",
                                  at: key.location)
                continue
            }
            if !Self.isVariableName(key.value) {
                diagnostics.warning("'\(key.value)' is not a valid Ansible variable name: templates cannot refer to it",
                                    at: key.location)
            }
            guard let converted = passThrough(value, field: field) else { continue }
            vars.append((key, converted))
        }
        return vars
    }

    /// Letters, digits and `_`, not starting with a digit (Ansible's `isidentifier` check for names).
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    /// `node` as a pass-through value, or nil after reporting why Ansible would not read it as written.
    private mutating func passThrough(_ node: YAMLNode, field: String) -> ConfigValue? {
        guard checkTag(node, field: field) else { return nil }
        switch node.kind {
        case .scalar:
            return scalar(node, field: field).map(ConfigValue.scalar)
        case .sequence(let items):
            var values: [ConfigValue] = []
            var ok = true
            for item in items {
                if let value = passThrough(item, field: field) { values.append(value) } else { ok = false }
            }
            return ok ? .list(values, tag: node.tag) : nil
        case .mapping:
            var entries: [ConfigValue.KeyedValue] = []
            // Looked up by hash: a mapping inside the alias limit may have hundreds of thousands of keys.
            var seen: [AnsibleScalar: SourceLocation] = [:]
            var ok = true
            for (keyNode, valueNode) in MappingReader.flatten(node) {
                guard case .scalar = keyNode.kind else {
                    diagnostics.error("keys in '\(field)' must be scalars, found \(keyNode.kindDescription)", at: keyNode.location)
                    ok = false
                    continue
                }
                guard checkTag(keyNode, field: field), let key = scalar(keyNode, field: field) else {
                    ok = false
                    continue
                }
                let resolved = key.resolved
                if let first = seen[resolved] {
                    diagnostics.error("duplicate key '\(key.text)' in '\(field)' (Ansible would keep only the last)",
                                      at: keyNode.location, notes: [Diagnostic.Note("'\(key.text)' first defined here", at: first)])
                    ok = false
                    continue
                }
                seen[resolved] = keyNode.location
                if let value = passThrough(valueNode, field: field) {
                    entries.append(ConfigValue.KeyedValue(key: key, value: value))
                } else {
                    ok = false
                }
            }
            return ok ? .map(entries, tag: node.tag) : nil
        }
    }

    private mutating func scalar(_ node: YAMLNode, field: String) -> ConfigScalar? {
        guard case .scalar(let text, let style) = node.kind else { return nil }
        let value = ConfigScalar(text, style: Self.style(style), tag: node.tag)
        if value.tag == nil, value.style == .plain, text == "=" {
            diagnostics.error("a plain '=' is YAML 1.1's value key, which Ansible cannot read; quote it", at: node.location)
            return nil
        }
        switch value.tag {
        case "!vault", "!vault-encrypted":
            if !text.hasPrefix("$ANSIBLE_VAULT;") {
                diagnostics.error("'\(value.tag!)' value is not ansible-vault data (it must start with '$ANSIBLE_VAULT;')",
                                  at: node.location)
                return nil
            }
        case YAML11.tag("int") where YAML11.int(text) == nil:
            diagnostics.error("'!!int' value '\(text)' is not a 64-bit integer", at: node.location)
            return nil
        case YAML11.tag("float") where !YAML11.readsAsFloat(text):
            diagnostics.error("'!!float' value '\(text)' is not a number Ansible can read", at: node.location)
            return nil
        case YAML11.tag("bool") where YAML11.bool(text.lowercased()) == nil:
            diagnostics.error("'!!bool' value '\(text)' is not one of yes, no, true, false, on, off", at: node.location)
            return nil
        default:
            break
        }
        return value
    }

    /// A tag Ansible reads, on a node it applies to; else reported.
    private mutating func checkTag(_ node: YAMLNode, field: String) -> Bool {
        guard let tag = node.tag else { return true }
        let isScalar: Bool
        if case .scalar = node.kind { isScalar = true } else { isScalar = false }
        if tag == "!unsafe" { return true }
        if tag == "!vault" || tag == "!vault-encrypted" {
            if isScalar { return true }
            diagnostics.error("'\(tag)' applies to a scalar (an ansible-vault block), found \(node.kindDescription)",
                              at: node.location)
            return false
        }
        let core = tag.hasPrefix(YAML11.tag("")) ? String(tag.dropFirst(YAML11.tag("").count)) : nil
        if let core, Self.coreTags.contains(core) {
            let fits: Bool
            switch (core, node.kind) {
            case ("seq", .sequence), ("map", .mapping): fits = true
            case ("seq", _), ("map", _): fits = false
            default: fits = isScalar
            }
            if fits { return true }
            diagnostics.error("'!!\(core)' does not apply to \(node.kindDescription)", at: node.location)
            return false
        }
        let shown = core.map { "!!" + $0 } ?? tag
        diagnostics.error("tag '\(shown)' is not passed to Ansible; use '!vault', '!unsafe' or one of YAML's "
                          + Self.coreTags.map { "'!!\($0)'" }.joined(separator: ", "),
                          at: node.location)
        return false
    }

    private static func style(_ style: YAMLNode.ScalarStyle) -> ConfigScalar.Style {
        switch style {
        case .plain: return .plain
        case .singleQuoted: return .singleQuoted
        case .doubleQuoted: return .doubleQuoted
        case .literal: return .literal
        case .folded: return .folded
        }
    }

    static func describe(_ value: AnsibleScalar) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .float: return "a float"
        case .timestamp: return "a date"
        case .string, .unsafe: return "a string"
        case .encrypted: return "a vault value"
        }
    }
}
