/// Schema-typed reading of YAML 1.1 scalars: a field decides how its scalar is read, so a
/// string field keeps `NO`, `1.20` or `0644` as written and an integer field reads `0644` as octal.
enum Scalars {
    /// The text of a scalar meant as a string, or nil (after reporting) for a collection.
    static func string(_ node: YAMLNode, field: String, diagnostics: inout Diagnostics) -> Located<String>? {
        guard let text = node.scalar else {
            diagnostics.error("expected a string for '\(field)', found \(node.kindDescription)", at: node.location)
            return nil
        }
        return Located(text, at: node.location)
    }

    static func integer(_ node: YAMLNode, field: String, diagnostics: inout Diagnostics) -> Located<Int>? {
        typed(node, field: field, tag: "int", expected: "an integer", parse: parseInteger, diagnostics: &diagnostics)
    }

    static func boolean(_ node: YAMLNode, field: String, diagnostics: inout Diagnostics) -> Located<Bool>? {
        typed(node, field: field, tag: "bool", expected: "true or false", parse: parseBoolean, diagnostics: &diagnostics)
    }

    /// A plain (or explicitly tagged) scalar read by `parse`; a quoted one is a string, never a number.
    private static func typed<T>(_ node: YAMLNode, field: String, tag: String, expected: String,
                                 parse: (String) -> T?, diagnostics: inout Diagnostics) -> Located<T>? {
        guard let text = node.scalar, node.isPlainScalar || node.tag == "tag:yaml.org,2002:\(tag)",
              let value = parse(text) else {
            diagnostics.error("expected \(expected) for '\(field)', found \(node.kindDescription)", at: node.location)
            return nil
        }
        return Located(value, at: node.location)
    }

    /// The items of a list; a lone scalar is an error, as a one-item list is spelled `[x]`.
    static func list(_ node: YAMLNode, field: String, diagnostics: inout Diagnostics) -> [YAMLNode]? {
        guard case .sequence(let items) = node.kind else {
            diagnostics.error("expected a list for '\(field)', found \(node.kindDescription)", at: node.location)
            return nil
        }
        return items
    }

    static func stringList(_ node: YAMLNode, field: String, diagnostics: inout Diagnostics) -> [Located<String>] {
        guard let items = list(node, field: field, diagnostics: &diagnostics) else { return [] }
        return items.compactMap { string($0, field: field, diagnostics: &diagnostics) }
    }

    /// YAML 1.1 integers: decimal, `0o17`/`017` octal, `0x1f` hex, `0b101` binary, `_` separators.
    static func parseInteger(_ text: String) -> Int? {
        var body = Substring(text.filter { $0 != "_" })
        var negative = false
        if let sign = body.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        let magnitude: Int?
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            magnitude = Int(body.dropFirst(2), radix: 16)
        } else if body.hasPrefix("0o") || body.hasPrefix("0O") {
            magnitude = Int(body.dropFirst(2), radix: 8)
        } else if body.hasPrefix("0b") || body.hasPrefix("0B") {
            magnitude = Int(body.dropFirst(2), radix: 2)
        } else if body.count > 1, body.hasPrefix("0") {
            magnitude = Int(body.dropFirst(), radix: 8)
        } else {
            magnitude = body.allSatisfy(\.isASCIIDigit) ? Int(body) : nil
        }
        return magnitude.map { negative ? -$0 : $0 }
    }

    static func parseBoolean(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N": return false
        default: return nil
        }
    }
}
