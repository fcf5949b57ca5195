/// Writes a JSON value as gopkg.in/yaml.v3 (v3.0.1, what butane v0.29.0 uses) encodes the same
/// value once decoded into Go's `interface{}`: block style, `SetIndent(2)`, mapping keys sorted by
/// yaml.v3's natural order, numbers as Go's float64 (`1e+06`), strings plain when nothing could
/// read them as another type, `|` literal blocks for text with line feeds, quotes otherwise.
/// A port of the parts of yaml.v3's encoder and emitter (emitterc.go) such a value reaches.
package struct GoYAMLEmitter {
    private var out: [UInt8] = []
    private var column = 0
    private var whitespace = true
    private var indention = true
    private let bestIndent = 2

    /// The state yaml.v3's emitter is in when a node starts: it decides the node's indentation.
    private enum Context {
        case root, sequenceItem, mappingValue, simpleKey, complexKey
    }

    /// The document yaml.v3's `Encoder` writes for `value` (it ends with a line break).
    package static func document(_ value: JSONValue) -> [UInt8] {
        var emitter = GoYAMLEmitter()
        emitter.node(value, indent: -1, context: .root)
        // The end of the document: a line break. yaml.v3's `Close` clears `open_ended` first, so
        // no `...` follows a final kept line break.
        emitter.writeIndent(0)
        return emitter.out
    }

    // MARK: Nodes

    private mutating func node(_ value: JSONValue, indent: Int, context: Context) {
        switch value {
        case .object(let pairs):
            mapping(pairs, indent: indent, context: context)
        case .array(let items):
            sequence(items, indent: indent, context: context)
        case .string(let text):
            let style: Style
            if text.contains("\n") {
                style = .literal
            } else if Self.canUsePlain(text) {
                style = .plain
            } else {
                style = .doubleQuoted
            }
            scalar(Array(text.utf8), style: style, indent: indent, context: context)
        case .int(let number):
            scalar(Array(Self.goFloat(number).utf8), style: .plain, indent: indent, context: context)
        case .bool(let flag):
            scalar(Array((flag ? "true" : "false").utf8), style: .plain, indent: indent, context: context)
        case .null:
            scalar(Array("null".utf8), style: .plain, indent: indent, context: context)
        }
    }

    /// `yaml_emitter_increase_indent`: the indentation of a node inside one at `indent`.
    private func increased(_ indent: Int, flow: Bool, context: Context) -> Int {
        if indent < 0 { return flow ? bestIndent : 0 }
        // [Go] The first indent inside a sequence skips the "- " indicator.
        if context == .sequenceItem { return indent + 2 }
        return bestIndent * ((indent + bestIndent) / bestIndent)
    }

    private mutating func mapping(_ pairs: [(String, JSONValue)], indent: Int, context: Context) {
        if pairs.isEmpty {
            indicator("{", needWhitespace: true, isWhitespace: true, isIndention: false)
            indicator("}", needWhitespace: false, isWhitespace: false, isIndention: false)
            return
        }
        let inner = increased(indent, flow: false, context: context)
        for (key, value) in pairs.sorted(by: { Self.keyLess($0.0, $1.0) }) {
            writeIndent(inner)
            let bytes = Array(key.utf8)
            if bytes.count <= 128 && !Self.analyze(bytes).multiline {
                node(.string(key), indent: inner, context: .simpleKey)
                indicator(":", needWhitespace: false, isWhitespace: false, isIndention: false)
            } else {
                indicator("?", needWhitespace: true, isWhitespace: false, isIndention: true)
                node(.string(key), indent: inner, context: .complexKey)
                writeIndent(inner)
                indicator(":", needWhitespace: true, isWhitespace: false, isIndention: true)
            }
            node(value, indent: inner, context: .mappingValue)
        }
    }

    private mutating func sequence(_ items: [JSONValue], indent: Int, context: Context) {
        if items.isEmpty {
            indicator("[", needWhitespace: true, isWhitespace: true, isIndention: false)
            indicator("]", needWhitespace: false, isWhitespace: false, isIndention: false)
            return
        }
        let inner = increased(indent, flow: false, context: context)
        for item in items {
            writeIndent(inner)
            indicator("-", needWhitespace: true, isWhitespace: false, isIndention: true)
            node(item, indent: inner, context: .sequenceItem)
        }
    }

    // MARK: Scalars

    private enum Style { case plain, singleQuoted, doubleQuoted, literal }

    private mutating func scalar(_ value: [UInt8], style requested: Style, indent: Int, context: Context) {
        let analysis = Self.analyze(value)
        let simpleKey = context == .simpleKey
        // yaml_emitter_select_scalar_style, in block context.
        var style = requested
        if simpleKey && analysis.multiline { style = .doubleQuoted }
        if style == .plain {
            if !analysis.blockPlainAllowed || (value.isEmpty && simpleKey) { style = .singleQuoted }
        }
        if style == .singleQuoted && !analysis.singleQuotedAllowed { style = .doubleQuoted }
        if style == .literal && (!analysis.blockAllowed || simpleKey) { style = .doubleQuoted }
        let scalarIndent = increased(indent, flow: true, context: context)
        switch style {
        case .plain: writePlain(value, indent: scalarIndent)
        case .singleQuoted: writeSingleQuoted(value, indent: scalarIndent)
        case .doubleQuoted: writeDoubleQuoted(value)
        case .literal: writeLiteral(value, indent: scalarIndent)
        }
    }

    // MARK: Writing

    private mutating func put(_ byte: UInt8) {
        out.append(byte)
        column += 1
    }

    private mutating func putBreak() {
        out.append(0x0A)
        column = 0
        indention = true
    }

    /// Copies one character (all its bytes), counting one column.
    private mutating func write(_ value: [UInt8], _ i: inout Int) {
        let w = YAMLBytes.width(value[i])
        out.append(contentsOf: value[i..<min(i + w, value.count)])
        column += 1
        i += w
    }

    private mutating func writeBreak(_ value: [UInt8], _ i: inout Int) {
        if value[i] == 0x0A {
            putBreak()
            i += 1
        } else {
            let w = YAMLBytes.width(value[i])
            out.append(contentsOf: value[i..<min(i + w, value.count)])
            i += w
            column = 0
            indention = true
        }
    }

    private mutating func writeIndent(_ indent: Int) {
        let indent = max(indent, 0)
        if !indention || column > indent || (column == indent && !whitespace) { putBreak() }
        while column < indent { put(0x20) }
        whitespace = true
    }

    private mutating func indicator(_ text: String, needWhitespace: Bool, isWhitespace: Bool, isIndention: Bool) {
        if needWhitespace && !whitespace { put(0x20) }
        for byte in text.utf8 { put(byte) }
        whitespace = isWhitespace
        indention = indention && isIndention
    }

    private mutating func writePlain(_ value: [UInt8], indent: Int) {
        if !value.isEmpty && !whitespace { put(0x20) }
        var breaks = false
        var i = 0
        while i < value.count {
            if YAMLBytes.isBreak(value, i) {
                if !breaks && value[i] == 0x0A { putBreak() }
                writeBreak(value, &i)
                breaks = true
            } else {
                if breaks { writeIndent(indent) }
                write(value, &i)
                indention = false
                breaks = false
            }
        }
        if !value.isEmpty { whitespace = false }
        indention = false
    }

    private mutating func writeSingleQuoted(_ value: [UInt8], indent: Int) {
        indicator("'", needWhitespace: true, isWhitespace: false, isIndention: false)
        var breaks = false
        var i = 0
        while i < value.count {
            if value[i] == 0x20 {
                write(value, &i)
            } else if YAMLBytes.isBreak(value, i) {
                if !breaks && value[i] == 0x0A { putBreak() }
                writeBreak(value, &i)
                breaks = true
            } else {
                if breaks { writeIndent(indent) }
                if value[i] == UInt8(ascii: "'") { put(UInt8(ascii: "'")) }
                write(value, &i)
                indention = false
                breaks = false
            }
        }
        indicator("'", needWhitespace: false, isWhitespace: false, isIndention: false)
        whitespace = false
        indention = false
    }

    private mutating func writeDoubleQuoted(_ value: [UInt8]) {
        indicator("\"", needWhitespace: true, isWhitespace: false, isIndention: false)
        // yaml.v3 checks for a byte order mark at the start of the value, whatever the position.
        let startsWithBOM = value.count >= 3 && value[0] == 0xEF && value[1] == 0xBB && value[2] == 0xBF
        var i = 0
        while i < value.count {
            let c = value[i]
            if !YAMLBytes.isPrintable(value, i) || startsWithBOM || YAMLBytes.isBreak(value, i)
                || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
                let w = YAMLBytes.width(c)
                var v: UInt32 = w == 1 ? UInt32(c & 0x7F) : w == 2 ? UInt32(c & 0x1F) : w == 3 ? UInt32(c & 0x0F) : UInt32(c & 0x07)
                for k in 1..<max(w, 1) where i + k < value.count { v = (v << 6) + UInt32(value[i + k] & 0x3F) }
                i += w
                put(UInt8(ascii: "\\"))
                let short: [UInt32: Character] = [0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f",
                                                  0x0D: "r", 0x1B: "e", 0x22: "\"", 0x5C: "\\", 0x85: "N", 0xA0: "_",
                                                  0x2028: "L", 0x2029: "P"]
                if let letter = short[v] {
                    put(letter.asciiValue!)
                } else {
                    let (prefix, digits): (Character, Int) = v <= 0xFF ? ("x", 2) : v <= 0xFFFF ? ("u", 4) : ("U", 8)
                    put(prefix.asciiValue!)
                    for k in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                        let digit = UInt8((v >> UInt32(k)) & 0x0F)
                        put(digit < 10 ? digit + 0x30 : digit - 10 + 0x41)
                    }
                }
            } else {
                write(value, &i)
            }
        }
        indicator("\"", needWhitespace: false, isWhitespace: false, isIndention: false)
        whitespace = false
        indention = false
    }

    private mutating func writeLiteral(_ value: [UInt8], indent: Int) {
        indicator("|", needWhitespace: true, isWhitespace: false, isIndention: false)
        // Hints: the indentation when the text starts with a space or a break; `-` when it does
        // not end with a break, `+` when it ends with two (or is one).
        if value.first == 0x20 || YAMLBytes.isBreak(value, 0) {
            indicator(String(bestIndent), needWhitespace: false, isWhitespace: false, isIndention: false)
        }
        var last = value.count - 1
        while last > 0 && value[last] & 0xC0 == 0x80 { last -= 1 }
        if !YAMLBytes.isBreak(value, last) {
            indicator("-", needWhitespace: false, isWhitespace: false, isIndention: false)
        } else if last == 0 {
            indicator("+", needWhitespace: false, isWhitespace: false, isIndention: false)
        } else {
            var previous = last - 1
            while previous > 0 && value[previous] & 0xC0 == 0x80 { previous -= 1 }
            if YAMLBytes.isBreak(value, previous) {
                indicator("+", needWhitespace: false, isWhitespace: false, isIndention: false)
            }
        }
        whitespace = true
        var breaks = true
        var i = 0
        while i < value.count {
            if YAMLBytes.isBreak(value, i) {
                writeBreak(value, &i)
                breaks = true
            } else {
                if breaks { writeIndent(indent) }
                write(value, &i)
                indention = false
                breaks = false
            }
        }
    }
}
