import IgnitionCompiler

/// Values of site.yaml written as the user wrote them, so that Ansible (PyYAML, YAML 1.1) reads
/// in the output what it would read in the user's own text: a plain scalar stays plain with its
/// text (`1e3` stays a string, `190:20:30` an integer, `9000:` an integer key), a quoted one is a
/// string, a block scalar stays a block (an ansible-vault block byte for byte), and tags
/// (`!vault`, `!unsafe`, `!!str`…) are kept.
extension YAMLWriter {
    /// The rest of the line after `key:`, and the lines below it.
    static func writeSource(_ value: ConfigValue, indent: Int, into out: inout String) {
        switch value {
        case .scalar(let scalar):
            out += scalarTail(scalar, indent: indent)
        case .list(let items, let tag):
            if items.isEmpty {
                out += " " + properties(tag) + "[]\n"
            } else {
                out += tag.map { " " + shorthand($0) } ?? ""
                out += "\n"
                write(items.map(YAMLValue.source), indent: indent + 2, into: &out)
            }
        case .map(let entries, let tag):
            if entries.isEmpty {
                out += " " + properties(tag) + "{}\n"
            } else {
                out += tag.map { " " + shorthand($0) } ?? ""
                out += "\n"
                writeSourceEntries(entries, indent: indent + 2, into: &out)
            }
        }
    }

    /// One item of a block sequence, from its dash on.
    static func writeSourceItem(_ value: ConfigValue, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        if case .map(let entries, nil) = value, !entries.isEmpty {
            // The first key shares the dash's line; the others line up under it.
            var nested = ""
            writeSourceEntries(entries, indent: indent + 2, into: &nested)
            out += pad + "- " + nested.dropFirst(indent + 2)
        } else {
            out += pad + "-"
            writeSource(value, indent: indent, into: &out)
        }
    }

    static func writeSourceEntries(_ entries: [ConfigValue.KeyedValue], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for entry in entries {
            out += pad + sourceKey(entry.key) + ":"
            writeSource(entry.value, indent: indent, into: &out)
        }
    }

    /// A key: plain as written when it was plain (its type is then what the user's text gives),
    /// else double-quoted (a string, as a quoted or block key is).
    static func sourceKey(_ key: ConfigScalar) -> String {
        let text: String
        if key.style == .plain && !key.text.isEmpty && !key.text.contains("\n") {
            text = key.text
        } else if key.style == .plain && key.text.isEmpty {
            text = key.tag == nil ? "~" : "\"\""
        } else {
            text = quoted(key.text)
        }
        return properties(key.tag) + text
    }

    /// After `key:` or `-`: a space and the scalar, or a block scalar's header and lines.
    static func scalarTail(_ scalar: ConfigScalar, indent: Int) -> String {
        let props = properties(scalar.tag)
        if scalar.style == .plain && !scalar.text.contains("\n") {
            if scalar.text.isEmpty {
                // An empty plain scalar is null; a tagged one is read through its tag.
                return scalar.tag == nil ? "\n" : " " + props + "\"\"\n"
            }
            return " " + props + scalar.text + "\n"
        }
        if let block = literal(scalar.text, indent: indent) {
            return " " + props + block
        }
        return " " + props + quoted(scalar.text) + "\n"
    }

    /// `tag ` in its shorthand, or nothing.
    private static func properties(_ tag: String?) -> String {
        tag.map { shorthand($0) + " " } ?? ""
    }

    /// `!!name` for YAML's core tags, the tag itself for Ansible's local ones (`!vault`, `!unsafe`).
    static func shorthand(_ tag: String) -> String {
        let core = YAML11.tag("")
        return tag.hasPrefix(core) ? "!!" + tag.dropFirst(core.count) : tag
    }

    /// `text` as a literal block scalar whose content is indented two more than `indent`, with
    /// the chomping that gives back its trailing newlines exactly; nil when a literal block cannot
    /// hold it (no line break, only line breaks, or characters a block may not carry).
    static func literal(_ text: String, indent: Int) -> String? {
        guard text.contains("\n") else { return nil }
        let printable = text.unicodeScalars.allSatisfy { c in
            c == "\n" || c == "\t" || (c.value >= 0x20 && c.value != 0x7F && !(0x80...0x9F).contains(c.value)
                                       && c.value != 0x2028 && c.value != 0x2029 && c.value != 0xFEFF)
        }
        guard printable else { return nil }
        var content = Substring(text)
        var trailing = 0
        while content.last == "\n" {
            content = content.dropLast()
            trailing += 1
        }
        guard !content.isEmpty else { return nil }
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        // The content's indentation is given when its first non-empty line starts with a space,
        // which would otherwise be taken for indentation.
        let indicator = lines.first { !$0.isEmpty }?.first == " " ? "2" : ""
        let chomping = trailing == 0 ? "-" : trailing == 1 ? "" : "+"
        let pad = String(repeating: " ", count: indent + 2)
        var out = "|" + indicator + chomping + "\n"
        for line in lines {
            out += line.isEmpty ? "\n" : pad + line + "\n"
        }
        out += String(repeating: "\n", count: max(0, trailing - 1))
        return out
    }
}
