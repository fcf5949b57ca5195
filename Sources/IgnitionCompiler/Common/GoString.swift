/// Bytes read as Go turns them into a JSON string: valid UTF-8 is kept, and each byte of an
/// invalid sequence becomes one U+FFFD (Swift's own decoding replaces a whole maximal subpart
/// with one, which would give fewer). butane reads `contents_local` and local SSH keys this way.
enum GoString {
    static func decode(_ bytes: [UInt8]) -> String {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            let (scalar, width) = decodeOne(bytes, at: i)
            scalars.append(scalar ?? "\u{FFFD}")
            i += width
        }
        return String(scalars)
    }

    /// One scalar at `i` and its width, or nil and width 1 for an invalid byte, as Go's
    /// `utf8.DecodeRune` (no overlongs, no surrogates, nothing above U+10FFFF).
    private static func decodeOne(_ b: [UInt8], at i: Int) -> (Unicode.Scalar?, Int) {
        let c0 = b[i]
        if c0 < 0x80 { return (Unicode.Scalar(c0), 1) }
        func cont(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> UInt32? {
            guard i + k < b.count, b[i + k] >= low, b[i + k] <= high else { return nil }
            return UInt32(b[i + k] & 0x3F)
        }
        switch c0 {
        case 0xC2...0xDF:
            guard let c1 = cont(1) else { return (nil, 1) }
            return (Unicode.Scalar(UInt32(c0 & 0x1F) << 6 | c1), 2)
        case 0xE0...0xEF:
            let low: UInt8 = c0 == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = c0 == 0xED ? 0x9F : 0xBF
            guard let c1 = cont(1, low, high), let c2 = cont(2) else { return (nil, 1) }
            return (Unicode.Scalar(UInt32(c0 & 0x0F) << 12 | c1 << 6 | c2), 3)
        case 0xF0...0xF4:
            let low: UInt8 = c0 == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = c0 == 0xF4 ? 0x8F : 0xBF
            guard let c1 = cont(1, low, high), let c2 = cont(2), let c3 = cont(3) else { return (nil, 1) }
            return (Unicode.Scalar(UInt32(c0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3), 4)
        default:
            return (nil, 1)
        }
    }
}
