/// A JSON value whose objects keep their keys in the order they were built.
package indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    package static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Looks up a key of an object.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }
}

/// An object under construction: keys are emitted in the order they are set, and a
/// `nil` or empty optional value is left out, as Ignition's `omitempty` fields are.
package struct JSONObject {
    package private(set) var pairs: [(String, JSONValue)] = []

    package init() {}

    package mutating func set(_ key: String, _ value: JSONValue?) {
        guard let value else { return }
        pairs.append((key, value))
    }

    package mutating func set(_ key: String, nonEmpty values: [JSONValue]) {
        if !values.isEmpty { pairs.append((key, .array(values))) }
    }

    package mutating func set(_ key: String, nonEmpty object: JSONObject) {
        if !object.pairs.isEmpty { pairs.append((key, object.value)) }
    }

    package var value: JSONValue { .object(pairs) }
}
