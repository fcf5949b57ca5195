/// A YAML node with its position, as the front-end sees it. Aliases resolve to the same
/// node object as their anchor, so a document with many aliases stays small in memory.
package final class YAMLNode: @unchecked Sendable {
    package enum ScalarStyle: Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    package enum Kind {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    package let kind: Kind
    package let tag: String?
    package let location: SourceLocation
    /// Nodes in this subtree, counting aliased subtrees again: the work a reader would do.
    package let weight: Int

    package init(_ kind: Kind, tag: String?, location: SourceLocation) {
        self.kind = kind
        self.tag = tag
        self.location = location
        switch kind {
        case .scalar: weight = 1
        case .sequence(let items): weight = items.reduce(1) { $0 &+ $1.weight }
        case .mapping(let pairs): weight = pairs.reduce(1) { $0 &+ $1.key.weight &+ $1.value.weight }
        }
    }

    package var scalar: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    package var isPlainScalar: Bool {
        if case .scalar(_, .plain) = kind, tag == nil { return true }
        return false
    }

    /// A plain `null`, `~`, `Null`, `NULL` or empty scalar (YAML 1.1 null).
    package var isNull: Bool {
        guard case .scalar(let text, .plain) = kind, tag == nil || tag == "tag:yaml.org,2002:null" else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// What this node is, for messages: "a mapping", "a list", "null", or a short scalar quoted.
    package var kindDescription: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let text, _):
            if isNull { return "null" }
            if text.count <= 40 && !text.contains("\n") { return "'\(text)'" }
            return "a scalar"
        }
    }
}

/// Limits of the YAML front-end: inputs past them are refused with a located error.
package struct YAMLLimits: Sendable {
    /// Largest input accepted, in bytes.
    package var maxInputBytes = 16 << 20
    /// Deepest nesting of collections.
    package var maxDepth = 64
    /// Largest document, in nodes, counting every alias expansion.
    package var maxExpandedNodes = 1_000_000
    /// Longest scalar, in bytes.
    package var maxScalarBytes = 1 << 20

    package init() {}
}
