/// Reads a positioned document (Ignition JSON or Butane YAML) against `ConfigSchema` into a
/// `ConfigNode` tree. Unknown keys are warnings (errors when strict), as both butane and
/// ignition-validate report them; a value of the wrong type is an error and is left out.
package struct ConfigReader {
    package enum Dialect: Sendable {
        /// Ignition JSON of one spec version: JSON names, JSON types.
        case ignition(IgnitionSpecVersion)
        /// Butane YAML of one spec: snake_case names, scalars read as butane's yaml.v3 reads them.
        case butane(ButaneSpec)
    }

    package let dialect: Dialect
    package var strict = false
    /// Unknown keys are errors with a suggestion, checked through aliases and merge keys too:
    /// Butane snippets in site.yaml, where a misspelt key would silently drop its value.
    package var refuseUnknownKeys = false
    /// Unknown keys already reported (a key reached again through an alias is reported once).
    private var reportedUnknown = Set<SourceLocation>()
    package var diagnostics = Diagnostics()
    /// Collections already read: one read again came through a YAML alias.
    private var visited = Set<ObjectIdentifier>()
    /// Inside a value reached through a case-insensitive key match, where ignition-validate's
    /// unused-key check does not go.
    private var quiet = 0
    /// The Butane keys from the top to the mapping being read (list items add nothing).
    private var path: [String] = []
    /// How many of the errors are fields of another spec, left out of the tree: the rest of the
    /// document still reads as butane reads it, so its other problems can be reported too.
    package private(set) var otherSpecFields = 0

    package init(dialect: Dialect, strict: Bool = false) {
        self.dialect = dialect
        self.strict = strict
    }

    private func fields(of type: String) -> [(name: String, field: ConfigSchema.Field)] {
        ConfigSchema.object(type).fields.compactMap { field in
            switch dialect {
            case .ignition(let version):
                guard let json = field.json, field.ignition.has(version) else { return nil }
                return (json, field)
            case .butane(let spec):
                guard let name = field.butane, field.specs.has(spec) else { return nil }
                return (name, field)
            }
        }
    }

    package mutating func read(_ node: YAMLNode, as type: String) -> ConfigNode {
        guard case .mapping(let pairs) = node.kind else {
            if node.isNull { return ConfigNode(.null, at: node.location) }
            diagnostics.error("expected a mapping, found \(node.kindDescription)", at: node.location)
            return ConfigNode(.null, at: node.location)
        }
        // An alias repeats its anchor's node. butane's position map has a leaf there: it warns
        // when a mapping is expected, and checks no keys below (so igncc neither).
        let repeated = isRepeat(node) && !refuseUnknownKeys
        if repeated && quiet == 0 {
            diagnostics.warning("a mapping repeated through a YAML alias: butane cannot locate or check its keys; write it out",
                                at: node.location)
        }
        if repeated { quiet += 1 }
        defer { if repeated { quiet -= 1 } }
        let known = fields(of: type)
        var entries: [ConfigEntry] = []
        var seen: [String: SourceLocation] = [:]
        let (allPairs, merged) = expandMergeKeys(pairs)
        for (index, (keyNode, valueNode)) in allPairs.enumerated() {
            // Keys merged in through `<<` are not in butane's position map: never reported unused.
            let fromMerge = index >= allPairs.count - merged && !refuseUnknownKeys
            if fromMerge { quiet += 1 }
            defer { if fromMerge { quiet -= 1 } }
            guard let key = keyNode.scalar else {
                diagnostics.error("a key must be a string, found \(keyNode.kindDescription)", at: keyNode.location)
                continue
            }
            var field = known.first(where: { $0.name == key })?.field
            if field == nil, case .ignition = dialect {
                // Go's JSON decoder also matches a field case-insensitively; ignition-validate
                // still reports the key as unused, since its check compares exactly.
                field = known.first(where: { $0.name.lowercased() == key.lowercased() })?.field
            }
            // Keys are told apart by the field they set: "ignition" and "IGNITION" are one.
            let identity = field?.key ?? key
            if let first = seen[identity] {
                let note = [Diagnostic.Note("first defined here", at: first)]
                if case .ignition = dialect {
                    // Go's JSON decoder (so Ignition) keeps the last value; warn, and do the same.
                    diagnostics.warning("duplicate key '\(key)': the last value is used", at: keyNode.location, notes: note)
                    entries.removeAll { $0.key == identity }
                } else {
                    diagnostics.error("duplicate key '\(key)'", at: keyNode.location, notes: note)
                    continue
                }
            }
            seen[identity] = keyNode.location
            let exact = known.contains(where: { $0.name == key })
            if field == nil, case .butane(let spec) = dialect, let message = ConfigSchema.keyOfAnotherSpec(path + [key], in: spec) {
                // A field of another spec (or variant): butane warns and drops it; a located error
                // here, wherever the key comes from (also behind aliases and merge keys).
                if reportedUnknown.insert(keyNode.location).inserted {
                    diagnostics.error(message, at: keyNode.location)
                    otherSpecFields += 1
                }
            } else if field == nil && refuseUnknownKeys {
                // The merge key itself is applied above, not a field.
                if !Self.isMergeKey(keyNode), reportedUnknown.insert(keyNode.location).inserted {
                    var message = "unknown key '\(key)'"
                    if let suggestion = Spelling.suggestion(for: key, among: known.map(\.name)) {
                        message += "; did you mean '\(suggestion)'?"
                    }
                    diagnostics.error(message, at: keyNode.location)
                }
            } else if (field == nil || !exact) && quiet == 0 {
                if strict {
                    diagnostics.error("unused key \(key)", at: keyNode.location)
                } else {
                    diagnostics.warning("unused key \(key)", at: keyNode.location)
                }
            }
            guard let field else { continue }
            if !exact { quiet += 1 }
            path.append(key)
            let value = read(valueNode, as: field.type, name: key)
            path.removeLast()
            if !exact { quiet -= 1 }
            if let value {
                entries.append(ConfigEntry(key: field.key, keyLocation: keyNode.location, node: value))
            }
        }
        return ConfigNode(.object(entries), at: node.location)
    }

    private mutating func read(_ node: YAMLNode, as type: ConfigSchema.FieldType, name: String) -> ConfigNode? {
        if isNull(node) {
            if case .butane = dialect, case .object = type { warnNullMapping(node) }
            return ConfigNode(.null, at: node.location)
        }
        switch type {
        case .object(let objectType):
            guard case .mapping = node.kind else { return mismatch(node, type, name) }
            return read(node, as: objectType)
        case .list(let element):
            guard case .sequence(let items) = node.kind else { return mismatch(node, type, name) }
            let repeated = isRepeat(node)
            if repeated { quiet += 1 }
            defer { if repeated { quiet -= 1 } }
            let values = items.compactMap { item -> ConfigNode? in
                if isNull(item) {
                    // yaml.v3 drops a null item; Go's JSON decoder keeps it as the zero value.
                    if case .butane = dialect {
                        if case .object = element { warnNullMapping(item) }
                        return nil
                    }
                    // A null item decodes to the element's zero value.
                    switch element {
                    case .string: return ConfigNode(.string(""), at: item.location)
                    case .int: return ConfigNode(.int(0), at: item.location)
                    case .bool: return ConfigNode(.bool(false), at: item.location)
                    case .object: return ConfigNode(.object([]), at: item.location)
                    case .list: return ConfigNode(.list([]), at: item.location)
                    case .map: return ConfigNode(.object([]), at: item.location)
                    }
                }
                return read(item, as: element, name: name)
            }
            return ConfigNode(.list(values), at: node.location)
        case .map(let element):
            guard case .mapping(let pairs) = node.kind else { return mismatch(node, type, name) }
            return readMap(node, pairs, element: element, name: name)
        case .string, .int, .bool:
            if case .butane = dialect, Self.shortTag(node) != nil {
                return taggedScalar(node, as: type, name: name)
            }
            switch type {
            case .string:
                guard let text = node.scalar else { return mismatch(node, type, name) }
                if case .ignition = dialect, !isJSONString(node) { return mismatch(node, type, name) }
                return ConfigNode(.string(text), at: node.location)
            case .int:
                guard let text = node.scalar, let value = integer(node, text) else { return mismatch(node, type, name) }
                return ConfigNode(.int(value), at: node.location)
            default:
                guard let text = node.scalar, let value = boolean(node, text) else { return mismatch(node, type, name) }
                return ConfigNode(.bool(value), at: node.location)
            }
        }
    }

    /// A mapping of the user's keys (a Go `map[string]T`): every key is kept, a null value is the
    /// element's zero value (as yaml.v3 stores it), a key given twice is an error.
    private mutating func readMap(_ node: YAMLNode, _ pairs: [(key: YAMLNode, value: YAMLNode)],
                                  element: ConfigSchema.FieldType, name: String) -> ConfigNode {
        var entries: [ConfigEntry] = []
        var seen: [String: SourceLocation] = [:]
        let (allPairs, _) = expandMergeKeys(pairs)
        for (keyNode, valueNode) in allPairs where !Self.isMergeKey(keyNode) {
            guard let key = keyNode.scalar else {
                diagnostics.error("a key must be a string, found \(keyNode.kindDescription)", at: keyNode.location)
                continue
            }
            if let first = seen[key] {
                diagnostics.error("duplicate key '\(key)'", at: keyNode.location, notes: [Diagnostic.Note("first defined here", at: first)])
                continue
            }
            seen[key] = keyNode.location
            var value: ConfigNode?
            if isNull(valueNode) {
                switch element {
                case .string: value = ConfigNode(.string(""), at: valueNode.location)
                case .int: value = ConfigNode(.int(0), at: valueNode.location)
                case .bool: value = ConfigNode(.bool(false), at: valueNode.location)
                default: value = ConfigNode(.null, at: valueNode.location)
                }
            } else {
                value = read(valueNode, as: element, name: key)
            }
            if let value { entries.append(ConfigEntry(key: key, keyLocation: keyNode.location, node: value)) }
        }
        return ConfigNode(.object(entries), at: node.location)
    }

    /// A scalar with an explicit tag, decoded as yaml.v3 decodes it into a Go field.
    private mutating func taggedScalar(_ node: YAMLNode, as type: ConfigSchema.FieldType, name: String) -> ConfigNode? {
        guard let text = node.scalar else { return mismatch(node, type, name) }
        let resolved: YAMLScalar
        do {
            guard let value = try Self.resolveTagged(node) else { return mismatch(node, type, name) }
            resolved = value
        } catch {
            if case .mismatch(let message) = error { diagnostics.error(message, at: node.location) }
            return nil
        }
        if case .null = resolved { return ConfigNode(.null, at: node.location) }
        switch (type, resolved) {
        case (.string, .binary(let bytes)):
            return ConfigNode(.string(GoString.decode(bytes)), at: node.location)
        case (.string, _):
            return ConfigNode(.string(text), at: node.location)
        case (.int, .int), (.int, .float):
            guard let value = Self.yamlInteger(text) else { return mismatch(node, type, name) }
            return ConfigNode(.int(value), at: node.location)
        case (.bool, .bool(let value)):
            return ConfigNode(.bool(value), at: node.location)
        case (.bool, .indicatedString), (.bool, .string):
            guard let value = Self.yamlWordBoolean(text) else { return mismatch(node, type, name) }
            return ConfigNode(.bool(value), at: node.location)
        default:
            return mismatch(node, type, name)
        }
    }

    /// The YAML 1.1 words yaml.v3 accepts for a bool field when the value resolved to a string.
    static func yamlWordBoolean(_ text: String) -> Bool? {
        if ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"].contains(text) { return true }
        if ["n", "N", "no", "No", "NO", "off", "Off", "OFF"].contains(text) { return false }
        return nil
    }

    /// yaml.v3 applies `<<: *anchor` (or a list of them) to a mapping: the anchors' keys come in
    /// where the mapping does not set them itself, while butane still reports `<<` as unused.
    /// Returns the pairs to read, with the merged ones last, and how many those are.
    private func expandMergeKeys(_ pairs: [(key: YAMLNode, value: YAMLNode)]) -> ([(key: YAMLNode, value: YAMLNode)], Int) {
        guard case .butane = dialect else { return (pairs, 0) }
        let isMerge = Self.isMergeKey
        guard pairs.contains(where: { isMerge($0.key) }) else { return (pairs, 0) }
        var explicit = Set(pairs.compactMap { isMerge($0.key) ? nil : $0.key.scalar })
        var added: [(key: YAMLNode, value: YAMLNode)] = []
        for (key, value) in pairs where isMerge(key) {
            var sources: [YAMLNode] = []
            switch value.kind {
            case .mapping: sources = [value]
            case .sequence(let items): sources = items
            case .scalar: break
            }
            for source in sources {
                guard case .mapping(let inner) = source.kind else { continue }
                for pair in inner {
                    guard let name = pair.key.scalar, !explicit.contains(name) else { continue }
                    explicit.insert(name)
                    added.append(pair)
                }
            }
        }
        return (pairs + added, added.count)
    }

    private static func isMergeKey(_ key: YAMLNode) -> Bool {
        key.scalar == "<<" && (key.isPlainScalar || key.tag == "tag:yaml.org,2002:merge")
    }

    /// Whether a collection was read before: it is an alias (butane dialect only).
    private mutating func isRepeat(_ node: YAMLNode) -> Bool {
        guard case .butane = dialect else { return false }
        return !visited.insert(ObjectIdentifier(node)).inserted
    }

    /// butane warns (its position map no longer matches) when a mapping is left null.
    private mutating func warnNullMapping(_ node: YAMLNode) {
        guard quiet == 0 else { return }
        diagnostics.warning("null where a mapping is expected: butane cannot locate or check what follows; remove it or write {}",
                            at: node.location)
    }

    private mutating func mismatch(_ node: YAMLNode, _ type: ConfigSchema.FieldType, _ name: String) -> ConfigNode? {
        diagnostics.error("expected \(type.description) for '\(name)', found \(node.kindDescription)", at: node.location)
        return nil
    }

    private func isNull(_ node: YAMLNode) -> Bool {
        switch dialect {
        case .ignition: return node.isPlainScalar && node.scalar == "null"
        case .butane: return node.isNull
        }
    }

    private func isJSONString(_ node: YAMLNode) -> Bool {
        if case .scalar(_, .doubleQuoted) = node.kind { return true }
        return false
    }

    private func integer(_ node: YAMLNode, _ text: String) -> Int? {
        switch dialect {
        case .ignition:
            guard node.isPlainScalar else { return nil }
            // JSON numbers: an integer, or an exponent form that is whole (Go accepts 1e3 for int? no).
            guard let value = Int(text), text.first != "+" else { return nil }
            if text.count > 1, text.hasPrefix("0") || text.hasPrefix("-0") { return nil }
            return value
        case .butane:
            guard node.isPlainScalar || node.tag == "!!int" || node.tag == "tag:yaml.org,2002:int" else { return nil }
            return Self.yamlInteger(text)
        }
    }

    /// yaml.v3's reading of an integer: Go's base-0 ParseInt (`0x`, `0o`, `0b`, a leading `0` for
    /// octal) after removing `_`, and a float with no fraction part is accepted by truncation.
    static func yamlInteger(_ text: String) -> Int? {
        // yaml.v3 tries numbers only for text that starts like one ("_1" stays a string).
        guard let first = text.first, first.isASCII, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
        let plain = text.replacingOccurrences(of: "_", with: "")
        var body = Substring(plain)
        var negative = false
        if let sign = body.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        let digits = body.allSatisfy { $0.isASCII && $0.isNumber }
        var magnitude: Int?
        let lower = body.lowercased()
        if lower.hasPrefix("0x") {
            magnitude = Int(body.dropFirst(2), radix: 16)
        } else if lower.hasPrefix("0o") {
            magnitude = Int(body.dropFirst(2), radix: 8)
        } else if lower.hasPrefix("0b") {
            magnitude = Int(body.dropFirst(2), radix: 2)
        } else if digits, body.count > 1, body.hasPrefix("0") {
            magnitude = Int(body.dropFirst(), radix: 8)
        } else if digits, !body.isEmpty {
            magnitude = Int(body)
        }
        if magnitude == nil, isYAMLFloat(body), let float = Double(String(body)), float.isFinite {
            // yaml.v3 reads `08`, `1.9` or `1e3` as floats and truncates them into an int field,
            // when at most 2^63 (Go's float64(MaxInt64)); 2^63 itself wraps to the minimum.
            let signed = negative ? -float : float
            guard signed <= 9.223372036854775808e18 else { return nil }
            if signed == 9.223372036854775808e18 || signed <= -9.223372036854775808e18 { return Int.min }
            return Int(signed)
        }
        guard let magnitude else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// `[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?` or `\.[0-9]+(...)`: yaml.v3's float syntax, sign removed.
    static func isYAMLFloat(_ text: Substring) -> Bool {
        var rest = text[...]
        let whole = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(whole.count)
        var fraction = 0
        if rest.first == "." {
            rest = rest.dropFirst()
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            fraction = digits.count
            rest = rest.dropFirst(digits.count)
            if whole.isEmpty && fraction == 0 { return false }
        } else if whole.isEmpty {
            return false
        }
        if let e = rest.first, e == "e" || e == "E" {
            rest = rest.dropFirst()
            if let sign = rest.first, sign == "+" || sign == "-" { rest = rest.dropFirst() }
            let exponent = rest.prefix { $0.isASCII && $0.isNumber }
            if exponent.isEmpty { return false }
            rest = rest.dropFirst(exponent.count)
        }
        return rest.isEmpty
    }

    private func boolean(_ node: YAMLNode, _ text: String) -> Bool? {
        switch dialect {
        case .ignition:
            guard node.isPlainScalar else { return nil }
            return text == "true" ? true : text == "false" ? false : nil
        case .butane:
            // yaml.v3: the YAML 1.2 core booleans when plain; and into a bool field, the YAML 1.1
            // words whether quoted or not.
            if node.isPlainScalar {
                if ["true", "True", "TRUE"].contains(text) { return true }
                if ["false", "False", "FALSE"].contains(text) { return false }
            }
            if ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"].contains(text) { return true }
            if ["n", "N", "no", "No", "NO", "off", "Off", "OFF"].contains(text) { return false }
            return nil
        }
    }
}
