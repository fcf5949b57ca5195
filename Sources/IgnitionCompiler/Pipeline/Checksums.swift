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
        Hex.encode(SHA512.hash(data: bytes))
    }
}
