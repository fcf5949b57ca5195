/// yaml.v3's handling of explicit tags (`!!int 5`, `!!str 0644`, `!!binary …`), which butane
/// inherits: a tag that does not fit the text is an error, `!!str` makes anything a string,
/// `!!binary` is decoded from base64, and an unknown tag leaves a string.
extension ConfigReader {
    enum YAMLScalar {
        case null, bool(Bool), int, float, timestamp, string
        /// A string whose tag asked for it (`!!str`, `!!binary`, a custom tag) or whose style did.
        case indicatedString
        case binary([UInt8])

        var tagName: String {
            switch self {
            case .null: return "null"
            case .bool: return "bool"
            case .int: return "int"
            case .float: return "float"
            case .timestamp: return "timestamp"
            case .string, .indicatedString: return "str"
            case .binary: return "binary"
            }
        }
    }

    enum TagProblem: Error {
        case mismatch(String)
    }

    /// The short form of a node's tag (`!!int`), or nil when it has none.
    static func shortTag(_ node: YAMLNode) -> String? {
        guard let tag = node.tag, tag != "!" else { return nil }
        let prefix = "tag:yaml.org,2002:"
        return tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }

    /// How yaml.v3 resolves an explicitly tagged scalar; nil for an untagged one.
    static func resolveTagged(_ node: YAMLNode) throws(TagProblem) -> YAMLScalar? {
        guard let tag = shortTag(node), let text = node.scalar else { return nil }
        switch tag {
        case "!!str": return .indicatedString
        case "!!binary":
            guard let bytes = Base64.decode(text.filter { !$0.isWhitespace }) else {
                throw .mismatch("!!binary value contains invalid base64 data")
            }
            return .binary(bytes)
        case "!!null", "!!bool", "!!int", "!!float", "!!timestamp":
            let natural = quoted(node) ? YAMLScalar.string : resolvePlain(text)
            let wanted = String(tag.dropFirst(2))
            if natural.tagName == wanted || (wanted == "float" && natural.tagName == "int") { return natural }
            throw .mismatch("cannot decode !!\(natural.tagName) `\(text)` as a \(tag)")
        default:
            // A tag yaml.v3 does not resolve: the text stays a string.
            return .indicatedString
        }
    }

    private static func quoted(_ node: YAMLNode) -> Bool {
        if case .scalar(_, .plain) = node.kind { return false }
        return true
    }

    /// yaml.v3's `resolve` of a plain scalar with no tag.
    static func resolvePlain(_ text: String) -> YAMLScalar {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN": return .float
        default: break
        }
        if isTimestamp(text) { return .timestamp }
        let plain = text.replacingOccurrences(of: "_", with: "")
        if goParseInt(plain) { return .int }
        if isFloat(plain) { return .float }
        return .string
    }

    /// Go's `strconv.ParseInt(s, 0, 64)` or `ParseUint` syntax (range aside).
    private static func goParseInt(_ s: String) -> Bool {
        var body = Substring(s)
        if let sign = body.first, sign == "-" || sign == "+" { body = body.dropFirst() }
        let lower = body.lowercased()
        func all(_ t: Substring, _ ok: (Character) -> Bool) -> Bool { !t.isEmpty && t.allSatisfy(ok) }
        if lower.hasPrefix("0x") { return all(body.dropFirst(2)) { $0.isHexDigit } }
        if lower.hasPrefix("0o") { return all(body.dropFirst(2)) { ("0"..."7").contains($0) } }
        if lower.hasPrefix("0b") { return all(body.dropFirst(2)) { $0 == "0" || $0 == "1" } }
        if body.count > 1, body.hasPrefix("0") { return all(body.dropFirst()) { ("0"..."7").contains($0) } }
        return all(body) { $0.isASCII && $0.isNumber }
    }

    /// yaml.v3's float syntax, with an optional sign.
    private static func isFloat(_ s: String) -> Bool {
        var body = Substring(s)
        if let sign = body.first, sign == "-" || sign == "+" { body = body.dropFirst() }
        return isYAMLFloat(body)
    }

    /// yaml.v3's timestamp forms: `2006-1-2`, optionally followed by a time (`T`, `t` or a space).
    private static func isTimestamp(_ s: String) -> Bool {
        let chars = Array(s)
        guard chars.count >= 8, chars[0...3].allSatisfy({ $0.isASCII && $0.isNumber }), chars[4] == "-" else { return false }
        var i = 5
        func digits(_ max: Int) -> Bool {
            let start = i
            while i < chars.count, i - start < max, chars[i].isASCII, chars[i].isNumber { i += 1 }
            return i > start
        }
        guard digits(2), i < chars.count, chars[i] == "-" else { return false }
        i += 1
        guard digits(2) else { return false }
        if i == chars.count { return true }
        guard chars[i] == "T" || chars[i] == "t" || chars[i] == " " else { return false }
        i += 1
        guard digits(2), i < chars.count, chars[i] == ":" else { return false }
        i += 1
        guard digits(2), i < chars.count, chars[i] == ":" else { return false }
        i += 1
        guard digits(2) else { return false }
        if i < chars.count, chars[i] == "." {
            i += 1
            guard digits(9) else { return false }
        }
        if i == chars.count { return true }
        if chars[i] == "Z" { return i + 1 == chars.count }
        guard chars[i] == "+" || chars[i] == "-" else { return false }
        i += 1
        guard digits(2), i < chars.count, chars[i] == ":" else { return false }
        i += 1
        return digits(2) && i == chars.count
    }
}
