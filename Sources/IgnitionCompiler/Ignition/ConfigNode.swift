/// An Ignition (or Butane) config as a typed tree that remembers where each value was written.
/// Objects keep keys as `ConfigSchema` names them (JSON names; Butane sugar under its own name),
/// so one tree type serves the JSON reader, the Butane translator, merging and validation.
package struct ConfigNode: Sendable {
    package enum Value: Sendable {
        case null
        case bool(Bool)
        case int(Int)
        case string(String)
        case list([ConfigNode])
        case object([ConfigEntry])
    }

    package var value: Value
    /// Where the value was written; nil for values igncc made up.
    package var location: SourceLocation?

    package init(_ value: Value, at location: SourceLocation? = nil) {
        self.value = value
        self.location = location
    }

    package static func object(_ entries: [ConfigEntry] = [], at location: SourceLocation? = nil) -> ConfigNode {
        ConfigNode(.object(entries), at: location)
    }

    package static func string(_ text: String, at location: SourceLocation? = nil) -> ConfigNode {
        ConfigNode(.string(text), at: location)
    }

    package static func int(_ number: Int, at location: SourceLocation? = nil) -> ConfigNode {
        ConfigNode(.int(number), at: location)
    }

    package static func bool(_ flag: Bool, at location: SourceLocation? = nil) -> ConfigNode {
        ConfigNode(.bool(flag), at: location)
    }

    package static func list(_ items: [ConfigNode], at location: SourceLocation? = nil) -> ConfigNode {
        ConfigNode(.list(items), at: location)
    }

    package var string: String? {
        if case .string(let s) = value { return s }
        return nil
    }

    package var int: Int? {
        if case .int(let n) = value { return n }
        return nil
    }

    package var bool: Bool? {
        if case .bool(let b) = value { return b }
        return nil
    }

    package var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    package var items: [ConfigNode] {
        if case .list(let items) = value { return items }
        return []
    }

    package var entries: [ConfigEntry] {
        if case .object(let entries) = value { return entries }
        return []
    }

    package var isObject: Bool {
        if case .object = value { return true }
        return false
    }

    /// The value of `key` in an object (nil when absent or null); setting nil removes the key.
    package subscript(key: String) -> ConfigNode? {
        get {
            guard case .object(let entries) = value, let entry = entries.first(where: { $0.key == key }),
                  !entry.node.isNull else { return nil }
            return entry.node
        }
        set {
            var entries: [ConfigEntry]
            if case .object(let existing) = value { entries = existing } else { entries = [] }
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue {
                    entries[index].node = newValue
                } else {
                    entries.remove(at: index)
                }
            } else if let newValue {
                entries.append(ConfigEntry(key: key, keyLocation: nil, node: newValue))
            }
            value = .object(entries)
        }
    }

    /// The location of `key` itself in an object, else of the object.
    package func keyLocation(_ key: String) -> SourceLocation? {
        entries.first { $0.key == key }?.keyLocation ?? location
    }

    /// Follows a path of keys; nil when any step is missing.
    package subscript(path path: [String]) -> ConfigNode? {
        var node: ConfigNode? = self
        for key in path { node = node?[key] }
        return node
    }

    /// Modifies the list at `key` in place (an absent key reads as an empty list).
    package mutating func modifyList(_ key: String, _ body: (inout [ConfigNode]) -> Void) {
        var node = self[key] ?? .list([])
        guard case .list(var items) = node.value else { return }
        body(&items)
        node.value = .list(items)
        self[key] = items.isEmpty && self[key] == nil ? nil : node
    }

    /// Modifies the object at `key` in place, creating it when absent.
    package mutating func modifyObject(_ key: String, _ body: (inout ConfigNode) -> Void) {
        var node = self[key] ?? .object()
        body(&node)
        self[key] = node
    }
}

package struct ConfigEntry: Sendable {
    package var key: String
    package var keyLocation: SourceLocation?
    package var node: ConfigNode

    package init(key: String, keyLocation: SourceLocation?, node: ConfigNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.node = node
    }
}
