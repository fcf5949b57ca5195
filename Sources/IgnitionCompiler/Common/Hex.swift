/// Lowercase hexadecimal, on bytes: hashes, MAC addresses, UUIDs, percent-escapes.
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as lowercase hex digits, with `separator` before the bytes at `breaks` (indices).
    package static func encode(_ bytes: some Sequence<UInt8>, separator: UInt8? = nil, breaks: (Int) -> Bool = { _ in false }) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 3)
        for (i, byte) in bytes.enumerated() {
            if let separator, breaks(i) { out.append(separator) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of one hex digit, either case.
    package static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Percent-escapes (`%2e`), decoded on bytes: data URLs and request paths.
package enum Percent {
    /// `bytes` with each `%XX` replaced by its byte; nil when a `%` is not followed by two hex digits.
    package static func decode(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Hex.value), let low = iterator.next().flatMap(Hex.value) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }
}
