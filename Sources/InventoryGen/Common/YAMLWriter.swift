import IgnitionCompiler

/// A YAML value to write, in the order it is to be written.
enum YAMLValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case list([YAMLValue])
    case map([YAMLEntry])
    /// A value of site.yaml written as the user wrote it (see `YAMLWriter+Source.swift`).
    case source(ConfigValue)
}

struct YAMLEntry: Equatable {
    var key: String
    var value: YAMLValue

    init(_ key: String, _ value: YAMLValue) {
        self.key = key
        self.value = value
    }
}

/// Writes block-style YAML that reads back with the same types under YAML 1.1 (PyYAML, which
/// Ansible uses) as under YAML 1.2: a string is plain only when no resolver could take it for
/// anything else, otherwise double-quoted.
enum YAMLWriter {
    /// A document: the comment lines, `---`, then the mapping (`{}` when empty), ending with a newline.
    static func document(comment: [String], _ entries: [YAMLEntry]) -> String {
        var out = comment.map { "# " + $0 + "\n" }.joined() + "---\n"
        if entries.isEmpty {
            out += "{}\n"
        } else {
            write(entries, indent: 0, into: &out)
        }
        return out
    }

    static func write(_ entries: [YAMLEntry], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for entry in entries {
            out += pad + key(entry.key) + ":"
            writeValue(entry.value, indent: indent, into: &out)
        }
    }

    /// The rest of a line after `key:` or `-`, and the nested lines below it.
    static func writeValue(_ value: YAMLValue, indent: Int, into out: inout String) {
        switch value {
        case .source(let source):
            writeSource(source, indent: indent, into: &out)
        case .list(let items) where !items.isEmpty:
            out += "\n"
            write(items, indent: indent + 2, into: &out)
        case .map(let entries) where !entries.isEmpty:
            out += "\n"
            write(entries, indent: indent + 2, into: &out)
        default:
            out += " " + scalar(value) + "\n"
        }
    }

    static func write(_ items: [YAMLValue], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            switch item {
            case .source(let source):
                writeSourceItem(source, indent: indent, into: &out)
            case .map(let entries) where !entries.isEmpty:
                // The first key shares the dash's line; the others line up under it.
                var nested = ""
                write(entries, indent: indent + 2, into: &nested)
                out += pad + "- " + nested.dropFirst(indent + 2)
            case .list(let inner) where !inner.isEmpty:
                out += pad + "-\n"
                write(inner, indent: indent + 2, into: &out)
            default:
                out += pad + "- " + scalar(item) + "\n"
            }
        }
    }

    /// A scalar, or an empty collection in flow style.
    static func scalar(_ value: YAMLValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .string(let s): return string(s)
        case .list: return "[]"
        case .map: return "{}"
        case .source: preconditionFailure("a source value is written by writeSource")
        }
    }

    static func key(_ text: String) -> String { string(text) }

    /// `text` plain when that is unambiguous in YAML 1.1 and 1.2, else double-quoted.
    static func string(_ text: String) -> String {
        isSafePlain(text) ? text : quoted(text)
    }

    /// Words YAML 1.1 reads as booleans or null (any case; `y` and `n` included, as some
    /// YAML 1.1 readers take them for booleans).
    private static let specialWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]

    static func isSafePlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first,
              first == "_" || first == "/" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        let allowed = text.unicodeScalars.allSatisfy { c in
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "_./-".unicodeScalars.contains(c))
        }
        return allowed && !specialWords.contains(text.lowercased())
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default:
                // Control characters, and the line and byte-order marks YAML treats specially.
                if c.value < 0x20 || c.value == 0x7F || (0x80...0x9F).contains(c.value)
                    || c.value == 0x2028 || c.value == 0x2029 || c.value == 0xFEFF {
                    out += c.value <= 0xFF ? "\\x" + hex(c.value, width: 2) : "\\u" + hex(c.value, width: 4)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
