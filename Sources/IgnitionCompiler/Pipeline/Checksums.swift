import Crypto

/// `SHA512SUMS` in the format `sha512sum -c` reads: `<hex>  <path>`, one line per file.
public enum Checksums {
    public static let fileName = "SHA512SUMS"

    static func file(for files: [OutputFile]) -> OutputFile {
        let lines = Parallel.chunkedMap(files) { "\(hex(of: $0.contents))  \($0.relativePath)\n" }
        return OutputFile(fileName, text: lines.joined(), mode: 0o644)
    }

    /// Lowercase hex SHA-512, as `coreos-installer --ignition-hash sha512-<hex>` takes it.
    public static func hex(of bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(128)
        for byte in SHA512.hash(data: bytes) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
