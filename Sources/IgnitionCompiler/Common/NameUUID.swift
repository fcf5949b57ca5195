import Crypto

/// Name-based UUIDs (RFC 9562 version 5): the same name always gives the same UUID.
package enum NameUUID {
    /// The namespace of igncc's connection UUIDs: uuid5(DNS namespace, "igncc.dev").
    static let namespace: [UInt8] = v5(namespace: [
        0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
    ], name: "igncc.dev")

    static func v5(namespace: [UInt8], name: String) -> [UInt8] {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace)
        hasher.update(data: Array(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = bytes[6] & 0x0f | 0x50
        bytes[8] = bytes[8] & 0x3f | 0x80
        return bytes
    }

    static func string(_ bytes: [UInt8]) -> String {
        Hex.encode(bytes.prefix(16), separator: UInt8(ascii: "-"), breaks: { [4, 6, 8, 10].contains($0) })
    }

    package static func make(_ name: String) -> String { string(v5(namespace: namespace, name: name)) }
}
