/// go-systemd v22's unit-file lexer (`unit.Deserialize`), which Ignition runs on the contents of
/// every unit and drop-in: it accepts and rejects what that lexer does, with its messages. Its
/// 2048-byte line check looks at what a 4096-byte `bufio.Reader` holds between two steps, so the
/// reader's window is modelled too.
enum SystemdUnitParser {
    /// An option, of which Ignition reads only the section.
    struct Option: Equatable {
        var section: String
    }

    struct Failure: Error {
        var message: String
    }

    static func parse(_ text: String) throws(Failure) -> [Option] {
        var lexer = UnitLexer(bytes: Array(text.utf8))
        return try lexer.run()
    }
}

private struct UnitLexer {
    static let bufferSize = 4096, lineMax = 2048
    typealias Failure = SystemdUnitParser.Failure

    indirect enum Step {
        case nextSection, sectionName, sectionSuffix(String), ignoreLine(then: Step)
        case nextSectionOrOption(String), optionName(String), optionValue(String)
    }

    let bytes: [UInt8]
    /// The reader's buffered window, `bytes[r..<w]`.
    var r = 0, w = 0
    var lastRuneSize = 0
    var options: [SystemdUnitParser.Option] = []

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func run() throws(Failure) -> [SystemdUnitParser.Option] {
        var step: Step? = .nextSection
        while let current = step {
            if w - r >= Self.lineMax, !bytes[r..<r + Self.lineMax].contains(where: { $0 == 0x0A || $0 == 0x0D }) {
                throw Failure(message: "line too long (max 2048 bytes)")
            }
            step = try advance(current)
        }
        return options
    }

    private mutating func advance(_ step: Step) throws(Failure) -> Step? {
        switch step {
        case .nextSection:
            guard let c = readRune() else { return nil }
            return c == "[" ? .sectionName : c == "#" || c == ";" ? .ignoreLine(then: .nextSection) : .nextSection
        case .sectionName:
            let (name, found) = readBytes(until: UInt8(ascii: "]"))
            guard found else { throw Failure(message: "unable to find end of section") }
            return .sectionSuffix(String(decoding: name.dropLast(), as: UTF8.self))
        case .sectionSuffix(let section):
            let garbage = Self.trimSpace(toEOL())
            if !garbage.isEmpty {
                // go-systemd names a section it never records: the message has nothing before the colon.
                throw Failure(message: "found garbage after section name : " + GoQuote.quote(garbage))
            }
            return .nextSectionOrOption(section)
        case .ignoreLine(let next):
            while true {
                var line = toEOL()
                if line.last == 0x20 { line.removeLast() }
                if line.last != UInt8(ascii: "\\") { return next }
            }
        case .nextSectionOrOption(let section):
            guard let c = readRune() else { return nil }
            if c.properties.isWhitespace { return step }
            if c == "[" { return .sectionName }
            if c == "#" || c == ";" { return .ignoreLine(then: step) }
            r -= lastRuneSize
            return .optionName(section)
        case .optionName(let section):
            while true {
                guard let c = readRune() else { throw Failure(message: "EOF") }
                if c == "\n" || c == "\r" { throw Failure(message: "unexpected newline encountered while parsing option name") }
                if c == "=" { return .optionValue(section) }
            }
        case .optionValue(let section):
            // A value goes on while its lines end with a backslash.
            let line = toEOL()
            if !Self.trimSpace(line).isEmpty && line.last == UInt8(ascii: "\\") { return step }
            options.append(SystemdUnitParser.Option(section: section))
            return .nextSectionOrOption(section)
        }
    }

    /// `bufio.Reader.ReadRune`: fills only when what is buffered is not a whole character.
    private mutating func readRune() -> Unicode.Scalar? {
        let whole = r < w && w - r >= Self.length(of: bytes[r])
        if r + 4 > w, !whole, w < bytes.count {
            w = min(bytes.count, r + Self.bufferSize)
        }
        guard r < w else { return nil }
        let size = Self.length(of: bytes[r])
        var value = size == 1 ? UInt32(bytes[r]) : UInt32(bytes[r]) & (0x7F >> size)
        for byte in bytes[(r + 1)..<min(r + size, w)] { value = value << 6 | UInt32(byte & 0x3F) }
        r += size
        lastRuneSize = size
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    private static func length(of lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// `bufio.Reader.ReadBytes`: through `delimiter`, or to the end (`found` false).
    private mutating func readBytes(until delimiter: UInt8) -> (bytes: ArraySlice<UInt8>, found: Bool) {
        let start = r
        var fragment = r
        while true {
            if let index = bytes[fragment..<w].firstIndex(of: delimiter) {
                r = index + 1
                return (bytes[start..<r], true)
            }
            if w == bytes.count {
                r = w
                return (bytes[start..<w], false)
            }
            if w - fragment >= Self.bufferSize {
                fragment = w  // ErrBufferFull: the next fragment starts on an emptied buffer
            } else {
                w = min(bytes.count, fragment + Self.bufferSize)
            }
        }
    }

    /// go-systemd's `toEOL`: a line without its "\n" (or, at the end, a final "\r").
    private mutating func toEOL() -> [UInt8] {
        var line = Array(readBytes(until: 0x0A).bytes)
        if line.last == 0x0D { line.removeLast() }
        if line.last == 0x0A { line.removeLast() }
        return line
    }

    /// `bytes.TrimSpace`.
    static func trimSpace(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let scalars = String(decoding: bytes, as: UTF8.self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return [] }
        return Array(Substring(scalars[first...last]).utf8)
    }
}

/// Go's `%q` (`strconv.Quote`), as Ignition quotes names and text in its messages.
enum GoQuote {
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            default:
                let hex = String(scalar.value, radix: 16)
                if isPrint(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value < 0x80 {
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else if scalar.value < 0x10000 {
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out += "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                }
            }
        }
        return out + "\""
    }

    static func quote(_ bytes: [UInt8]) -> String { quote(String(decoding: bytes, as: UTF8.self)) }

    /// `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
    private static func isPrint(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x100 {
            return (0x20..<0x7F).contains(scalar.value) || ((0xA1...0xFF).contains(scalar.value) && scalar.value != 0xAD)
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }
}
