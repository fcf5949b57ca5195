/// Writes a `ConfigNode` tree as Ignition JSON the way Ignition's Go types (and butane) do:
/// fields in the schema's order, optional fields whenever set (even to "" or 0), `omitempty`
/// values left out when empty, and required fields always present.
package enum ConfigRenderer {
    package static func json(_ node: ConfigNode, version: IgnitionSpecVersion) -> JSONValue {
        object(node, type: "Config", version: version)
    }

    private static func object(_ node: ConfigNode, type: String, version: IgnitionSpecVersion) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        for field in ConfigSchema.ignitionFields(of: type, version: version) {
            let key = field.json!
            let value = node[key]
            if let rendered = render(value, field.type, version: version, field: field) {
                pairs.append((key, rendered))
            }
        }
        return .object(pairs)
    }

    private static func render(_ node: ConfigNode?, _ type: ConfigSchema.FieldType, version: IgnitionSpecVersion,
                               field: ConfigSchema.Field) -> JSONValue? {
        let required = field.flags.contains(.required)
        let pointer = field.flags.contains(.pointer)
        switch type {
        case .object(let name):
            // A nil pointer to a struct is not written at all, whatever its required fields; nor is
            // a struct that is Go's zero value (butane's JSON encoder omits those), even when it
            // has required fields (3.0.0's `replace`, whose `source` is a required pointer).
            if pointer && node?.isObject != true { return nil }
            if !required, !pointer, isGoZero(node, type: name, version: version) { return nil }
            let rendered = object(node ?? .object(), type: name, version: version)
            // A pointer to a struct (clevis in 3.2) is written when set, even empty.
            if case .object(let pairs) = rendered, pairs.isEmpty, !required, !(pointer && node?.isObject == true) { return nil }
            return rendered
        case .list(let element):
            let items = node?.items ?? []
            if items.isEmpty { return required ? .array([]) : nil }
            return .array(items.map { item in
                switch element {
                case .object(let name): return object(item, type: name, version: version)
                default: return scalar(item, element) ?? .null
                }
            })
        case .map:
            // Butane's `metadata.labels`: never part of an Ignition config.
            return nil
        case .string, .int, .bool:
            guard let node, let value = scalar(node, type) else {
                // A required pointer left nil is written as null, as Go writes it.
                if required { return pointer ? .null : zero(type) }
                return nil
            }
            if !pointer && !required && isZero(value) { return nil }
            return value
        }
    }

    /// Whether `node`, read as `type`, is Go's zero value: no field set, or only non-pointer
    /// fields set to their zero (a pointer set to anything is not zero).
    private static func isGoZero(_ node: ConfigNode?, type: String, version: IgnitionSpecVersion) -> Bool {
        guard let node, node.isObject else { return true }
        return ConfigSchema.ignitionFields(of: type, version: version).allSatisfy { field in
            guard let value = node[field.json!], !value.isNull else { return true }
            if field.flags.contains(.pointer) { return false }
            switch (field.type, value.value) {
            case (.object(let name), _): return isGoZero(value, type: name, version: version)
            case (.list, .list(let items)): return items.isEmpty
            case (.string, .string(let s)): return s.isEmpty
            case (.int, .int(let n)): return n == 0
            case (.bool, .bool(let b)): return !b
            default: return false
            }
        }
    }

    private static func scalar(_ node: ConfigNode, _ type: ConfigSchema.FieldType) -> JSONValue? {
        switch (type, node.value) {
        case (.string, .string(let s)): return .string(s)
        case (.int, .int(let n)): return .int(n)
        case (.bool, .bool(let b)): return .bool(b)
        default: return nil
        }
    }

    private static func zero(_ type: ConfigSchema.FieldType) -> JSONValue {
        switch type {
        case .string: return .string("")
        case .int: return .int(0)
        case .bool: return .bool(false)
        default: return .null
        }
    }

    private static func isZero(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let s): return s.isEmpty
        case .int(let n): return n == 0
        case .bool(let b): return !b
        default: return false
        }
    }
}
