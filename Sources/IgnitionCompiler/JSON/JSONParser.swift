/// A JSON parser that keeps positions, producing the same `YAMLNode` tree as the YAML front-end:
/// strings are double-quoted scalars, numbers, `true`, `false` and `null` are plain scalars.
package struct JSONParser {
    package var maxDepth = 64
    package var maxInputBytes = 16 << 20

    package init() {}

    private struct Failure: Error {
        var message: String
        var offset: Int
    }

    package func parse(_ bytes: [UInt8], file: String, diagnostics: inout Diagnostics) -> YAMLNode? {
        if bytes.count > maxInputBytes {
            diagnostics.error("input is \(bytes.count) bytes; the limit is \(maxInputBytes) bytes",
                              at: SourceLocation(file: file, line: 1, column: 1))
            return nil
        }
        var state = State(bytes: bytes, file: file, maxDepth: maxDepth)
        do {
            state.skipSpace()
            let root = try state.value(depth: 0)
            state.skipSpace()
            if state.offset < bytes.count {
                throw Failure(message: "unexpected data after the top-level value", offset: state.offset)
            }
            return root
        } catch let failure as Failure {
            diagnostics.error("invalid JSON: \(failure.message)", at: state.location(of: failure.offset))
            return nil
        } catch {
            return nil
        }
    }

    private struct State {
        let bytes: [UInt8]
        let file: String
        let maxDepth: Int
        var offset = 0
        var line = 1
        var lineStart = 0

        init(bytes: [UInt8], file: String, maxDepth: Int) {
            self.bytes = bytes
            self.file = file
            self.maxDepth = maxDepth
        }

        /// The last position computed, so that the column of the next one (always further on the
        /// same line or a later one) costs only the bytes in between: a one-line config of
        /// megabytes stays linear.
        var cachedOffset = 0
        var cachedColumn = 1
        var cachedLineStart = 0

        /// Columns count Unicode scalars, as for YAML: continuation bytes are skipped.
        mutating func location(of target: Int) -> SourceLocation {
            let end = min(target, bytes.count)
            guard end >= lineStart else {
                // Behind the current line (an error reported late): count from the start.
                var line = 1, start = 0
                for i in 0..<end where bytes[i] == 0x0A { line += 1; start = i + 1 }
                return SourceLocation(file: file, line: line, column: columns(from: start, to: end) + 1)
            }
            if cachedLineStart != lineStart || cachedOffset > end {
                cachedLineStart = lineStart
                cachedOffset = lineStart
                cachedColumn = 1
            }
            cachedColumn += columns(from: cachedOffset, to: end)
            cachedOffset = end
            return SourceLocation(file: file, line: line, column: cachedColumn)
        }

        private func columns(from start: Int, to end: Int) -> Int {
            var count = 0
            var i = start
            while i < end {
                if bytes[i] & 0xC0 != 0x80 { count += 1 }
                i += 1
            }
            return count
        }

        mutating func skipSpace() {
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x20, 0x09, 0x0D: offset += 1
                case 0x0A: offset += 1; line += 1; lineStart = offset
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws -> YAMLNode {
            guard depth < maxDepth else { throw Failure(message: "nesting deeper than \(maxDepth)", offset: offset) }
            guard offset < bytes.count else { throw Failure(message: "unexpected end of input", offset: offset) }
            let start = location(of: offset)
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                offset += 1
                var pairs: [(key: YAMLNode, value: YAMLNode)] = []
                skipSpace()
                if peek(UInt8(ascii: "}")) { offset += 1; return YAMLNode(.mapping(pairs), tag: nil, location: start) }
                while true {
                    skipSpace()
                    guard peek(UInt8(ascii: "\"")) else { throw Failure(message: "expected a string key", offset: offset) }
                    let key = try string()
                    skipSpace()
                    guard peek(UInt8(ascii: ":")) else { throw Failure(message: "expected ':' after a key", offset: offset) }
                    offset += 1
                    skipSpace()
                    let item = try value(depth: depth + 1)
                    pairs.append((key, item))
                    skipSpace()
                    if peek(UInt8(ascii: ",")) { offset += 1; continue }
                    if peek(UInt8(ascii: "}")) { offset += 1; break }
                    throw Failure(message: "expected ',' or '}'", offset: offset)
                }
                return YAMLNode(.mapping(pairs), tag: nil, location: start)
            case UInt8(ascii: "["):
                offset += 1
                var items: [YAMLNode] = []
                skipSpace()
                if peek(UInt8(ascii: "]")) { offset += 1; return YAMLNode(.sequence(items), tag: nil, location: start) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    if peek(UInt8(ascii: ",")) { offset += 1; continue }
                    if peek(UInt8(ascii: "]")) { offset += 1; break }
                    throw Failure(message: "expected ',' or ']'", offset: offset)
                }
                return YAMLNode(.sequence(items), tag: nil, location: start)
            case UInt8(ascii: "\""):
                return try string()
            case UInt8(ascii: "t"): return try literal("true", start)
            case UInt8(ascii: "f"): return try literal("false", start)
            case UInt8(ascii: "n"): return try literal("null", start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return try number(start)
            default:
                throw Failure(message: "unexpected character", offset: offset)
            }
        }

        func peek(_ byte: UInt8) -> Bool { offset < bytes.count && bytes[offset] == byte }

        mutating func literal(_ word: String, _ start: SourceLocation) throws -> YAMLNode {
            let utf8 = Array(word.utf8)
            guard offset + utf8.count <= bytes.count, Array(bytes[offset..<offset + utf8.count]) == utf8 else {
                throw Failure(message: "unexpected character", offset: offset)
            }
            offset += utf8.count
            return YAMLNode(.scalar(word, .plain), tag: nil, location: start)
        }

        mutating func number(_ start: SourceLocation) throws -> YAMLNode {
            let begin = offset
            if peek(UInt8(ascii: "-")) { offset += 1 }
            func digits() -> Int {
                let from = offset
                while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 { offset += 1 }
                return offset - from
            }
            let intStart = offset
            let whole = digits()
            guard whole > 0 else { throw Failure(message: "invalid number", offset: offset) }
            if whole > 1 && bytes[intStart] == UInt8(ascii: "0") { throw Failure(message: "invalid number", offset: intStart) }
            if peek(UInt8(ascii: ".")) {
                offset += 1
                guard digits() > 0 else { throw Failure(message: "invalid number", offset: offset) }
            }
            if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
                offset += 1
                if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { offset += 1 }
                guard digits() > 0 else { throw Failure(message: "invalid number", offset: offset) }
            }
            let text = String(decoding: bytes[begin..<offset], as: UTF8.self)
            return YAMLNode(.scalar(text, .plain), tag: nil, location: start)
        }

        mutating func string() throws -> YAMLNode {
            let start = location(of: offset)
            offset += 1
            var out: [UInt8] = []
            while true {
                guard offset < bytes.count else { throw Failure(message: "unterminated string", offset: offset) }
                let c = bytes[offset]
                if c == UInt8(ascii: "\"") { offset += 1; break }
                if c < 0x20 { throw Failure(message: "control character in a string", offset: offset) }
                if c != UInt8(ascii: "\\") { out.append(c); offset += 1; continue }
                offset += 1
                guard offset < bytes.count else { throw Failure(message: "unterminated string", offset: offset) }
                let e = bytes[offset]
                offset += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), offset + 1 < bytes.count,
                       bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                        let save = offset
                        offset += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            offset = save
                        }
                    }
                    // Lone surrogates become U+FFFD, as Go's decoder does.
                    let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out += Array(String(Character(value)).utf8)
                default:
                    throw Failure(message: "invalid escape", offset: offset - 2)
                }
            }
            return YAMLNode(.scalar(String(decoding: out, as: UTF8.self), .doubleQuoted), tag: nil, location: start)
        }

        mutating func hex4() throws -> UInt32 {
            guard offset + 4 <= bytes.count,
                  let value = UInt32(String(decoding: bytes[offset..<offset + 4], as: UTF8.self), radix: 16) else {
                throw Failure(message: "invalid \\u escape", offset: offset)
            }
            offset += 4
            return value
        }
    }
}

extension YAMLNode {
    /// The value of `key` in a mapping read from JSON as Go reads it: the last key equal to it,
    /// or equal ignoring case.
    package func jsonValue(_ key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = kind else { return nil }
        let folded = key.lowercased()
        return pairs.last { $0.key.scalar?.lowercased() == folded }?.value
    }
}
