/// RFC 2397 data URLs as Butane writes them: percent-encoded text (RFC 2396 unreserved characters
/// kept, as butane's dataurl package does) or base64, whichever is shorter.
enum DataURL {
    static func encode(_ bytes: [UInt8]) -> String {
        let escaped = percentEncoded(bytes)
        let base64 = "data:;base64," + Base64.encode(bytes)
        return base64.utf8.count < escaped.utf8.count ? base64 : escaped
    }

    /// The percent-encoded form alone (Butane's fcos 1.0.0 writes nothing else).
    static func percentEncoded(_ bytes: [UInt8]) -> String {
        var escaped = "data:,"
        escaped.reserveCapacity(bytes.count + 6)
        let hex = Array("0123456789ABCDEF".utf8)
        var scratch: [UInt8] = []
        scratch.reserveCapacity(bytes.count)
        for byte in bytes {
            if keepsLiteral(byte) {
                scratch.append(byte)
            } else {
                scratch += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        escaped += String(decoding: scratch, as: UTF8.self)
        return escaped
    }

    /// RFC 2396 unreserved characters.
    private static func keepsLiteral(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "~"),
             UInt8(ascii: "*"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"):
            return true
        default:
            return false
        }
    }

    /// The bytes of a `data:` URL (base64 or percent-encoded); nil when it is not one.
    static func decode(_ url: String) -> [UInt8]? {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        let payload = Array(url[url.index(after: comma)...].utf8)
        if header.hasSuffix(";base64") {
            return Base64.decode(String(decoding: payload, as: UTF8.self))
        }
        return Percent.decode(payload)
    }
}
