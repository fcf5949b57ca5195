import Crypto

/// `SHA512SUMS` in the format `sha512sum -c` reads: `<hex>  <path>`, one line per file.
public enum Checksums {
    public static let fileName = "SHA512SUMS"

    static func file(for files: [OutputFile]) -> OutputFile {
        let lines = Parallel.chunkedMap(files) { "\(hex(of: $0.contents))  \($0.relativePath)\n" }
        return OutputFile(fileName, text: lines.joined(), mode: 0o644)
    }

    /// One line of a `SHA512SUMS` igncc wrote.
    public struct Entry: Sendable {
        public var sha512: String
        public var path: String
    }

    /// The lines of `SHA512SUMS` text: 128 lowercase hex digits, two spaces, a path. Throws the
    /// first malformed line's start (at most 60 characters), for the caller's message.
    public static func entries(in text: String) throws(MalformedLine) -> [Entry] {
        var entries: [Entry] = []
        for line in text.split(separator: "\n") {
            let hex = line.prefix(128)
            guard line.count > 130, line.dropFirst(128).hasPrefix("  "),
                  hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw MalformedLine(text: String(line.prefix(60)))
            }
            entries.append(Entry(sha512: String(hex), path: String(line.dropFirst(130))))
        }
        return entries
    }

    public struct MalformedLine: Error {
        public var text: String
    }

    /// Lowercase hex SHA-512, as `coreos-installer --ignition-hash sha512-<hex>` takes it.
    public static func hex(of bytes: [UInt8]) -> String {
        Hex.encode(SHA512.hash(data: bytes))
    }
}
