/// Go's `net/url.Parse` (as ignition-validate is built: Go 1.27, `urlstrictcolons=0`): what it
/// rejects, and the parts of a URL Ignition reads.
struct GoURL {
    private(set) var scheme = ""
    private(set) var opaque = ""
    private(set) var rawQuery = ""

    init?(_ text: String) {
        let all = Array(text.utf8)
        let hash = all.firstIndex(of: UInt8(ascii: "#")) ?? all.count
        if hash < all.count, Self.unescape(all[(hash + 1)...], .other) == nil { return nil }
        var rest = all[..<hash]
        guard !rest.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        if rest.elementsEqual("*".utf8) { return }
        for (i, c) in rest.enumerated() {
            if c.isASCIILetter || (i > 0 && (c.isASCIIDigit || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: "."))) {
                continue
            }
            if c == UInt8(ascii: ":") {
                guard i > 0 else { return nil }  // "missing protocol scheme"
                scheme = String(decoding: rest.prefix(i), as: UTF8.self).lowercased()
                rest = rest.dropFirst(i + 1)
            }
            break
        }
        if rest.last == UInt8(ascii: "?") && rest.filter({ $0 == UInt8(ascii: "?") }).count == 1 {
            rest = rest.dropLast()
        } else if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
            rawQuery = String(decoding: rest[(question + 1)...], as: UTF8.self)
            rest = rest[..<question]
        }
        if rest.first != UInt8(ascii: "/") {
            if !scheme.isEmpty {
                opaque = String(decoding: rest, as: UTF8.self)
                return
            }
            // "first path segment in URL cannot contain colon"
            if rest.prefix(while: { $0 != UInt8(ascii: "/") }).contains(UInt8(ascii: ":")) { return nil }
        }
        if (!scheme.isEmpty || !rest.starts(with: "///".utf8)) && rest.starts(with: "//".utf8) {
            let authority = rest.dropFirst(2).prefix { $0 != UInt8(ascii: "/") }
            rest = rest.dropFirst(2 + authority.count)
            guard Self.isValidAuthority(authority) else { return nil }
        }
        guard Self.unescape(rest, .other) != nil else { return nil }
    }

    /// Whether the query's first `versionId` is empty, as Ignition's S3 check reads `url.Query()`.
    var hasEmptyVersionID: Bool {
        for pair in Array(rawQuery.utf8).split(separator: UInt8(ascii: "&")) where !pair.contains(UInt8(ascii: ";")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            guard let key = Self.unescape(pair[..<equals], .query),
                  let value = Self.unescape(pair[equals...].dropFirst(), .query) else { continue }
            if key.elementsEqual("versionId".utf8) { return value.isEmpty }
        }
        return false
    }

    private enum Escaping { case other, query, host, zone }

    /// Go's `unescape`: the decoded bytes, nil where Go reports an error.
    private static func unescape(_ s: ArraySlice<UInt8>, _ mode: Escaping) -> [UInt8]? {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            guard c == UInt8(ascii: "%") else {
                if (mode == .host || mode == .zone) && c < 0x80 && !isHostByte(c) { return nil }
                out.append(mode == .query && c == UInt8(ascii: "+") ? 0x20 : c)
                i += 1
                continue
            }
            guard i + 2 < s.endIndex, let high = s[i + 1].hexValue, let low = s[i + 2].hexValue else { return nil }
            let value = high << 4 | low, isPercent = value == 0x25
            if mode == .host && high < 8 && !isPercent { return nil }
            if mode == .zone && !isPercent && value != 0x20 && !(value < 0x80 && isHostByte(value)) { return nil }
            out.append(value)
            i += 3
        }
        return out
    }

    /// The ASCII bytes Go leaves unescaped in a host.
    private static func isHostByte(_ c: UInt8) -> Bool {
        c.isASCIILetter || c.isASCIIDigit || "!\"$&'()*+,-.:;<=>[]_~".utf8.contains(c)
    }

    private static func isValidPort(_ port: ArraySlice<UInt8>) -> Bool {
        port.isEmpty || (port.first == UInt8(ascii: ":") && port.dropFirst().allSatisfy(\.isASCIIDigit))
    }

    /// `parseAuthority` and `parseHost`.
    private static func isValidAuthority(_ authority: ArraySlice<UInt8>) -> Bool {
        let at = authority.lastIndex(of: UInt8(ascii: "@"))
        if let at {
            let userinfo = authority[..<at]
            let allowed = "-._:~!$&'()*+,;=%@".utf8
            guard userinfo.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || allowed.contains($0) }),
                  unescape(userinfo, .other) != nil else { return false }
        }
        let host = at.map { authority[($0 + 1)...] } ?? authority
        guard let open = host.lastIndex(of: UInt8(ascii: "[")) else {
            if let colon = host.lastIndex(of: UInt8(ascii: ":")), !isValidPort(host[colon...]) { return false }
            return unescape(host, .host) != nil
        }
        guard open == host.startIndex, let close = host.lastIndex(of: UInt8(ascii: "]")),
              isValidPort(host[(close + 1)...]) else { return false }
        let name = host[(open + 1)..<close]
        let zone = name.indices.first { name[$0...].starts(with: "%25".utf8) } ?? name.endIndex
        guard let address = unescape(name[..<zone], .host), let zoneText = unescape(name[zone...], .zone) else { return false }
        return isIPv6(address + zoneText)
    }

    /// `netip.ParseAddr` succeeding with an IPv6 address (an IPv4 one is no IP-literal).
    static func isIPv6(_ text: [UInt8]) -> Bool {
        guard text.first(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "%") }) == UInt8(ascii: ":")
        else { return false }
        var s = text[...]
        if let percent = text.firstIndex(of: UInt8(ascii: "%")) {
            guard percent + 1 < text.count else { return false }  // an empty zone
            s = text[..<percent]
        }
        var ellipsis = false, fields = 0
        if s.starts(with: "::".utf8) {
            ellipsis = true
            s = s.dropFirst(2)
            if s.isEmpty { return true }
        }
        while fields < 8 {
            let digits = s.prefix(while: { $0.hexValue != nil })
            guard (1...4).contains(digits.count) else { return false }
            if s.dropFirst(digits.count).first == UInt8(ascii: ".") {
                guard (ellipsis || fields == 6) && fields + 2 <= 8, isIPv4(s) else { return false }
                fields += 2
                s = s.suffix(0)
                break
            }
            fields += 1
            s = s.dropFirst(digits.count)
            if s.isEmpty { break }
            guard s.first == UInt8(ascii: ":"), s.count > 1 else { return false }
            s = s.dropFirst()
            if s.first == UInt8(ascii: ":") {
                if ellipsis { return false }
                ellipsis = true
                s = s.dropFirst()
                if s.isEmpty { break }
            }
        }
        return s.isEmpty && (ellipsis ? fields < 8 : fields == 8)
    }

    private static func isIPv4(_ s: ArraySlice<UInt8>) -> Bool {
        let parts = s.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && (part.count == 1 || part.first != UInt8(ascii: "0"))
                && Int(String(decoding: part, as: UTF8.self)).map { $0 <= 255 } == true
        }
    }
}

private extension UInt8 {
    var isASCIILetter: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
    var isASCIIDigit: Bool { (0x30...0x39).contains(self) }

    var hexValue: UInt8? {
        switch self {
        case 0x30...0x39: return self - 0x30
        case 0x41...0x46: return self - 0x41 + 10
        case 0x61...0x66: return self - 0x61 + 10
        default: return nil
        }
    }
}

/// vincent-petithory/dataurl's `DecodeString` (lexer and parser), for the error Ignition reports
/// about a `data:` URL.
struct DataURLDecoder {
    private struct Failure: Error { var message: String }

    private let s: [Unicode.Scalar]
    private var pos = 0
    private var unquote = false

    /// The message `DecodeString` fails with, nil when `text` decodes.
    static func error(in text: String) -> String? {
        var decoder = DataURLDecoder(s: Array(text.unicodeScalars))
        do {
            try decoder.run()
        } catch {
            return error.message
        }
        return nil
    }

    private init(s: [Unicode.Scalar]) { self.s = s }

    private mutating func next() -> Unicode.Scalar? {
        guard pos < s.count else { return nil }
        pos += 1
        return s[pos - 1]
    }

    private func text(from start: Int, to end: Int) -> String { String(String.UnicodeScalarView(s[start..<end])) }

    /// Reads token characters through one of `ends`, which it returns.
    private mutating func scan(to ends: String, atEnd: String, otherwise: String) throws(Failure) -> Unicode.Scalar {
        while true {
            guard let r = next() else { throw Failure(message: atEnd) }
            if ends.unicodeScalars.contains(r) { return r }
            guard Self.isToken(r) else { throw Failure(message: otherwise) }
        }
    }

    private static func isToken(_ r: Unicode.Scalar) -> Bool {
        r.value > 0x20 && r.value < 0x7F && !"()<>@,;:\\\"/[]?=".unicodeScalars.contains(r)
    }

    private mutating func run() throws(Failure) {
        func fail(_ message: String) -> Failure { Failure(message: message) }
        guard s.starts(with: "data:".unicodeScalars) else { throw fail("missing data prefix") }
        pos = 5
        guard var separator = next() else { throw fail("missing comma before data") }
        if separator != ";" && separator != "," {
            // The character after an "x" is taken unchecked, as the lexer does when no "-" follows.
            let extensionType = separator == "x" || separator == "X" ? next() == "-" : false
            guard extensionType || separator == "x" || separator == "X" || Self.isToken(separator) else {
                throw fail("invalid character after data prefix")
            }
            _ = try scan(to: "/", atEnd: "missing media type slash", otherwise: "invalid character for media type")
            let type = text(from: 5, to: pos - 1)
            if !extensionType, !["text", "image", "audio", "video", "application", "message", "multipart"].contains(where: type.hasPrefix) {
                throw fail("invalid media type")
            }
            separator = try scan(to: ";,", atEnd: "incomplete media type", otherwise: "invalid character for media subtype")
        }
        var base64 = false
        while separator == ";" {
            guard let first = next(), first != "=", first != "," else { throw fail("unterminated parameter sequence") }
            guard Self.isToken(first) else { throw fail("invalid character for parameter attribute") }
            let attribute = pos - 1
            if try scan(to: "=,", atEnd: "unterminated parameter sequence", otherwise: "invalid character for parameter attribute") == "," {
                guard text(from: attribute, to: pos - 1) == "base64" else { throw fail("expected base64, got \(text(from: attribute, to: pos - 1))") }
                base64 = true
                break
            }
            guard let quote = next() else { throw fail("missing comma before data") }
            let value = quote == "\"" ? pos : pos - 1
            if quote == "\"" {
                unquote = true
                while true {
                    guard let r = next() else { throw fail("unclosed quoted string") }
                    if r == "\"" { break }
                    guard r.isASCII else { throw fail("invalid character for parameter value") }
                    if r == "\\", let escaped = next(), !escaped.isASCII { throw fail("invalid escaped character") }
                }
                if pos - 1 > value { try checkValue(text(from: value, to: pos - 1)) }
                guard let after = next() else { throw fail("missing comma before data") }
                guard after == ";" || after == "," else { throw fail("expected semicolon or comma") }
                separator = after
            } else {
                guard Self.isToken(quote) else { throw fail("invalid character for parameter value") }
                separator = try scan(to: ";,", atEnd: "missing comma before data", otherwise: "invalid character for parameter value")
                try checkValue(text(from: value, to: pos - 1))
            }
        }
        let data = pos
        while let r = next() {
            let valid = base64 ? ("a"..."z").contains(r) || ("A"..."Z").contains(r) || ("0"..."9").contains(r) || "+/=\n".unicodeScalars.contains(r)
                : r.value > 0x20 && r.value < 0x7F && !"<>#\"{}|\\^[]`".unicodeScalars.contains(r)
            guard valid else { throw fail("invalid data character") }
        }
        let payload = text(from: data, to: pos)
        if let message = base64 ? Self.base64Error(Array(payload.utf8)) : Self.rfc2396Error(payload) { throw fail(message) }
    }

    /// The parser's handling of a parameter value: Go-unquoted after a quote, else unescaped.
    private mutating func checkValue(_ text: String) throws(Failure) {
        defer { unquote = false }
        if unquote, !Self.goUnquotes(Array(text.unicodeScalars)) { throw Failure(message: "invalid syntax") }
        if !unquote, let message = Self.rfc2396Error(text) { throw Failure(message: message) }
    }

    /// The dataurl package's RFC 2396 `Unescape` (its input is ASCII here).
    private static func rfc2396Error(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "%") else { i += 1; continue }
            for k in 1...2 {
                guard i + k < bytes.count else { return "rfc2396: unexpected end of unescape sequence" }
                guard bytes[i + k].hexValue != nil else { return "rfc2396: invalid char 0x25 in unescape sequence" }
            }
            i += 3
        }
        return nil
    }

    /// `strconv.Unquote` of the value in double quotes succeeding.
    private static func goUnquotes(_ body: [Unicode.Scalar]) -> Bool {
        var i = 0
        while i < body.count {
            let c = body[i]
            i += 1
            if c == "\n" || c == "\"" { return false }
            guard c == "\\" else { continue }
            guard i < body.count else { return false }
            let escape = body[i]
            i += 1
            let digits: Int
            switch escape {
            case "a", "b", "f", "n", "r", "t", "v", "\\", "\"": continue
            case "x": digits = 2
            case "u": digits = 4
            case "U": digits = 8
            case "0"..."7":
                guard i + 2 <= body.count, body[i..<(i + 2)].allSatisfy({ ("0"..."7").contains($0) }) else { return false }
                let value = body[(i - 1)..<(i + 2)].reduce(0) { $0 << 3 | ($1.value - 0x30) }
                i += 2
                if value > 255 { return false }
                continue
            default: return false
            }
            guard i + digits <= body.count, body[i..<(i + digits)].allSatisfy(\.properties.isASCIIHexDigit),
                  let value = UInt32(String(String.UnicodeScalarView(body[i..<(i + digits)])), radix: 16) else { return false }
            i += digits
            if escape != "x" && Unicode.Scalar(value) == nil { return false }
        }
        return true
    }

    /// Go's `base64.StdEncoding.DecodeString` error, if any (its input has base64 characters only).
    private static func base64Error(_ s: [UInt8]) -> String? {
        func corrupt(_ offset: Int) -> String { "illegal base64 data at input byte \(offset)" }
        var si = 0
        while si < s.count {
            for j in 0..<4 {
                if si == s.count { return j == 0 ? nil : corrupt(si - j) }
                let c = s[si]
                si += 1
                if c != UInt8(ascii: "=") { continue }
                if j < 2 { return corrupt(si - 1) }
                if j == 2 {
                    if si == s.count { return corrupt(s.count) }
                    if s[si] != UInt8(ascii: "=") { return corrupt(si - 1) }
                    si += 1
                }
                return si < s.count ? corrupt(si) : nil
            }
        }
        return nil
    }
}
