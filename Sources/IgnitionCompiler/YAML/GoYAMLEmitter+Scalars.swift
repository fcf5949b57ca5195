/// What yaml.v3 decides about a scalar before writing it: its style, the order of mapping keys,
/// Go's text for numbers.
extension GoYAMLEmitter {
    /// What `yaml_emitter_analyze_scalar` finds out about a value.
    struct Analysis {
        var multiline = false
        var blockPlainAllowed = true
        var singleQuotedAllowed = true
        var blockAllowed = true
    }

    static func analyze(_ value: [UInt8]) -> Analysis {
        var result = Analysis()
        if value.isEmpty {
            result.blockAllowed = false
            return result
        }
        var blockIndicators = false, lineBreaks = false, specialCharacters = false, tabCharacters = false
        var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
        var breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false
        if value.count >= 3, value[0...2] == [0x2D, 0x2D, 0x2D] || value[0...2] == [0x2E, 0x2E, 0x2E] {
            blockIndicators = true
        }
        var precededByWhitespace = true
        var i = 0
        while i < value.count {
            let w = YAMLBytes.width(value[i])
            let followedByWhitespace = i + w >= value.count || YAMLBytes.isBlank(value, i + w)
            let c = value[i]
            if i == 0 {
                switch c {
                case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                     UInt8(ascii: "}"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
                     UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
                     UInt8(ascii: "`"):
                    blockIndicators = true
                case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                    if followedByWhitespace { blockIndicators = true }
                default: break
                }
            } else if c == UInt8(ascii: ":") && followedByWhitespace || c == UInt8(ascii: "#") && precededByWhitespace {
                blockIndicators = true
            }
            if c == 0x09 {
                tabCharacters = true
            } else if !YAMLBytes.isPrintable(value, i) {
                specialCharacters = true
            }
            if c == 0x20 {
                if i == 0 { leadingSpace = true }
                if i + w == value.count { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if YAMLBytes.isBreak(value, i) {
                lineBreaks = true
                if i == 0 { leadingBreak = true }
                if i + w == value.count { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = YAMLBytes.isBlankOrBreak(value, i)
            i += w
        }
        result.multiline = lineBreaks
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak { result.blockPlainAllowed = false }
        if trailingSpace { result.blockAllowed = false }
        if breakSpace {
            result.blockPlainAllowed = false
            result.singleQuotedAllowed = false
        }
        if spaceBreak || tabCharacters || specialCharacters {
            result.blockPlainAllowed = false
            result.singleQuotedAllowed = false
        }
        if spaceBreak || specialCharacters { result.blockAllowed = false }
        if lineBreaks || blockIndicators { result.blockPlainAllowed = false }
        return result
    }

    /// yaml.v3's `stringv`: plain unless the text would read back as something else (a null, a
    /// bool, a number, a timestamp), or as a YAML 1.1 bool or base-60 float.
    static func canUsePlain(_ text: String) -> Bool {
        guard case .string = ConfigReader.resolvePlain(text) else { return false }
        return !yaml11Bools.contains(text) && !isBase60Float(text)
    }

    private static let yaml11Bools: Set<String> = ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
                                                   "n", "N", "no", "No", "NO", "off", "Off", "OFF"]

    /// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
    static func isBase60Float(_ text: String) -> Bool {
        var rest = Substring(text)
        if let sign = rest.first, sign == "-" || sign == "+" { rest = rest.dropFirst() }
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        guard let first = rest.first, isDigit(first) else { return false }
        rest = rest.dropFirst().drop { isDigit($0) || $0 == "_" }
        var groups = 0
        while rest.first == ":" {
            let digits = rest.dropFirst().prefix { isDigit($0) }
            // [0-5]?[0-9]: one digit, or two with the first at most 5.
            if digits.count == 1 {
                rest = rest.dropFirst(2)
            } else if digits.count >= 2, digits.first! <= "5" {
                rest = rest.dropFirst(3)
            } else {
                return false
            }
            groups += 1
        }
        guard groups > 0 else { return false }
        if rest.first == "." { rest = rest.dropFirst().drop { isDigit($0) || $0 == "_" } }
        return rest.isEmpty
    }

    /// yaml.v3's `keyList.Less` on two string keys: letters in code point order, runs of digits
    /// by their value (`b9` before `b10`), and a letter before a non-letter unless digits precede.
    static func keyLess(_ a: String, _ b: String) -> Bool {
        let ar = Array(a.unicodeScalars), br = Array(b.unicodeScalars)
        func isLetter(_ c: Unicode.Scalar) -> Bool {
            switch c.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
            default: return false
            }
        }
        func isDigit(_ c: Unicode.Scalar) -> Bool { c.properties.generalCategory == .decimalNumber }
        func digitValue(_ c: Unicode.Scalar) -> Int64 { Int64(c.value) &- 48 }
        var digits = false
        for i in 0..<min(ar.count, br.count) {
            if ar[i] == br[i] {
                digits = isDigit(ar[i])
                continue
            }
            let al = isLetter(ar[i]), bl = isLetter(br[i])
            if al && bl { return ar[i].value < br[i].value }
            if al || bl { return digits ? al : bl }
            var an: Int64 = 0, bn: Int64 = 0
            if ar[i] == "0" || br[i] == "0" {
                var j = i - 1
                while j >= 0 && isDigit(ar[j]) {
                    if ar[j] != "0" {
                        an = 1
                        bn = 1
                        break
                    }
                    j -= 1
                }
            }
            var ai = i, bi = i
            while ai < ar.count && isDigit(ar[ai]) {
                an = an &* 10 &+ digitValue(ar[ai])
                ai += 1
            }
            while bi < br.count && isDigit(br[bi]) {
                bn = bn &* 10 &+ digitValue(br[bi])
                bi += 1
            }
            if an != bn { return an < bn }
            if ai != bi { return ai < bi }
            return ar[i].value < br[i].value
        }
        return ar.count < br.count
    }

    /// An integer as Go's `strconv.FormatFloat(float64(n), 'g', -1, 64)` writes it (JSON numbers
    /// become float64 in butane's round trip): plain below a million, `1e+06`, `1.23456789012e+11` above.
    static func goFloat(_ n: Int) -> String {
        if n == 0 { return "0" }
        let sign = n < 0 ? "-" : ""
        var digits: [Character]
        var exponent: Int
        if n.magnitude < 1 << 53 {
            // Exact in a float64, and no shorter text reads back as the same float64.
            digits = Array(String(n.magnitude))
            exponent = digits.count - 1
        } else {
            // Swift's description is also the shortest text that reads back as the same float64.
            let text = Double(n).magnitude.description
            let parts = text.split(separator: "e")
            let mantissa = Array(parts[0])
            let point = mantissa.firstIndex(of: ".") ?? mantissa.count
            digits = mantissa.filter { $0 != "." }
            exponent = point - 1 + (parts.count > 1 ? Int(parts[1].replacingOccurrences(of: "+", with: ""))! : 0)
            while digits.first == "0" && digits.count > 1 {
                digits.removeFirst()
                exponent -= 1
            }
        }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        if exponent < 6 { return sign + String(n.magnitude) }
        let mantissa = digits.count > 1 ? "\(digits[0]).\(String(digits.dropFirst()))" : String(digits[0])
        return sign + mantissa + "e+" + (exponent < 10 ? "0" : "") + String(exponent)
    }
}

/// yaml.v3's byte classes (yamlprivateh.go), on UTF-8.
enum YAMLBytes {
    static func width(_ b: UInt8) -> Int {
        if b & 0x80 == 0 { return 1 }
        if b & 0xE0 == 0xC0 { return 2 }
        if b & 0xF0 == 0xE0 { return 3 }
        if b & 0xF8 == 0xF0 { return 4 }
        return 0
    }

    private static func at(_ b: [UInt8], _ i: Int) -> UInt8 { i < b.count ? b[i] : 0 }

    static func isPrintable(_ b: [UInt8], _ i: Int) -> Bool {
        let c = at(b, i), n = at(b, i + 1), m = at(b, i + 2)
        return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c == 0xC2 && n >= 0xA0) || (c > 0xC2 && c < 0xED)
            || (c == 0xED && n < 0xA0) || c == 0xEE
            || (c == 0xEF && !(n == 0xBB && m == 0xBF) && !(n == 0xBF && (m == 0xBE || m == 0xBF)))
    }

    static func isBreak(_ b: [UInt8], _ i: Int) -> Bool {
        let c = at(b, i), n = at(b, i + 1), m = at(b, i + 2)
        return c == 0x0D || c == 0x0A || (c == 0xC2 && n == 0x85) || (c == 0xE2 && n == 0x80 && (m == 0xA8 || m == 0xA9))
    }

    static func isBlank(_ b: [UInt8], _ i: Int) -> Bool { at(b, i) == 0x20 || at(b, i) == 0x09 }

    /// `is_blankz`: a blank, a break, or the end.
    static func isBlankOrBreak(_ b: [UInt8], _ i: Int) -> Bool { i >= b.count || isBlank(b, i) || isBreak(b, i) || b[i] == 0 }
}
