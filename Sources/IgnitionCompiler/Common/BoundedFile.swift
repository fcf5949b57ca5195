import Glibc

/// Reads an input file no further than a size limit: a file past it is refused by its size
/// (or, for a pipe or device, after `limit + 1` bytes) rather than read whole first.
package enum BoundedFile {
    package enum Result {
        case bytes([UInt8])
        /// Longer than the limit: its size when known (a regular file), nil for a stream.
        case tooLarge(Int?)
        /// Not readable: the error number (`EISDIR` for a directory).
        case unreadable(Int32)
    }

    package static func read(_ path: String, limit: Int) -> Result {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .unreadable(errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .unreadable(errno) }
        guard info.st_mode & S_IFMT != S_IFDIR else { return .unreadable(EISDIR) }
        if info.st_mode & S_IFMT == S_IFREG && Int(info.st_size) > limit { return .tooLarge(Int(info.st_size)) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .unreadable(errno)
            }
            if n == 0 { return .bytes(bytes) }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return .tooLarge(info.st_mode & S_IFMT == S_IFREG ? bytes.count : nil)
    }

    /// The message for `.tooLarge`, in the words of `YAMLParser`'s own size check.
    static func tooLargeMessage(_ size: Int?, limit: Int) -> String {
        if let size { return "input is \(size) bytes; the limit is \(limit) bytes" }
        return "input is more than \(limit) bytes; the limit is \(limit) bytes"
    }
}
