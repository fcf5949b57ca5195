/// YAML 1.1 as PyYAML resolves it, which is how Ansible reads group_vars and host_vars: the
/// implicit resolvers of PyYAML's `resolver.py` and the integer reading of `constructor.py`.
/// (site.yaml's own fields are typed by their schema instead: see `Scalars`.)
package enum YAML11 {
    /// `tag:yaml.org,2002:<name>`, what the `!!<name>` shorthand stands for.
    package static func tag(_ name: String) -> String { "tag:yaml.org,2002:" + name }

    /// What PyYAML makes of an untagged plain scalar.
    package static func resolve(_ text: String) -> AnsibleScalar {
        if text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL" { return .null }
        if let b = bool(text) { return .bool(b) }
        if isInt(text) { return .int(int(text)) }
        if isFloat(text) { return .float(text) }
        if isTimestamp(text) { return .timestamp(text) }
        return .string(text)
    }

    /// PyYAML's booleans: the words in three cases, not `y`/`n`.
    package static func bool(_ text: String) -> Bool? {
        switch text {
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return true
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    // [-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    nonisolated(unsafe) private static let intPattern =
        try! Regex(#"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"#)
    nonisolated(unsafe) private static let floatPattern =
        try! Regex(#"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"#)
    nonisolated(unsafe) private static let timestampPattern =
        try! Regex(#"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?"#)

    package static func isInt(_ text: String) -> Bool {
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || (48...57).contains(first) else {
            return false
        }
        return (try? intPattern.wholeMatch(in: text)) != nil
    }

    package static func isFloat(_ text: String) -> Bool {
        guard let first = text.first, "-+.0123456789".contains(first) else { return false }
        return (try? floatPattern.wholeMatch(in: text)) != nil
    }

    package static func isTimestamp(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII && first.isNumber else { return false }
        return (try? timestampPattern.wholeMatch(in: text)) != nil
    }

    /// PyYAML's `construct_yaml_int`: `_` dropped, a sign, then `0b`, `0x`, a leading `0` (octal),
    /// `:` (base 60) or decimal. nil when not an integer or past 64 bits.
    package static func int(_ text: String) -> Int? {
        var body = Substring(text.filter { $0 != "_" })
        var sign = 1
        if body.first == "-" { sign = -1 }
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        guard !body.isEmpty else { return nil }
        let magnitude: Int?
        if body == "0" {
            magnitude = 0
        } else if body.hasPrefix("0b") {
            magnitude = Int(body.dropFirst(2), radix: 2)
        } else if body.hasPrefix("0x") {
            magnitude = Int(body.dropFirst(2), radix: 16)
        } else if body.hasPrefix("0") {
            magnitude = Int(body.dropFirst(), radix: 8)
        } else if body.contains(":") {
            var total: Int? = 0
            for digit in body.split(separator: ":", omittingEmptySubsequences: false) {
                guard let value = Int(digit), let sum = total else { return nil }
                let (times, o1) = sum.multipliedReportingOverflow(by: 60)
                let (next, o2) = times.addingReportingOverflow(value)
                total = o1 || o2 ? nil : next
            }
            magnitude = total
        } else {
            magnitude = body.allSatisfy { $0.isASCII && $0.isNumber } ? Int(body) : nil
        }
        return magnitude.map { sign * $0 }
    }

    /// Whether PyYAML's `construct_yaml_float` reads `text` (an explicit `!!float`): `_` dropped,
    /// `.inf`/`.nan`, base 60, or anything Python's `float()` takes.
    package static func readsAsFloat(_ text: String) -> Bool {
        var body = text.filter { $0 != "_" }.lowercased()
        if body.first == "-" || body.first == "+" { body.removeFirst() }
        if body == ".inf" || body == ".nan" { return true }
        if body.contains(":") {
            let parts = body.split(separator: ":", omittingEmptySubsequences: false)
            return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) } && Double(parts.last!) != nil
        }
        return ["inf", "infinity", "nan"].contains(body) || (Double(body) != nil && body.allSatisfy { !$0.isLetter || $0 == "e" })
    }
}
