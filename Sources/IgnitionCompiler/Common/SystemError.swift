import Glibc

/// What a failed system call says, in igncc's wording: the C library's text for the error number,
/// lowercase (`no such file or directory`, `address already in use`). Every I/O error igncc
/// reports names the path and ends with this text.
package enum SystemError {
    /// The text for `code` (by default the current `errno`).
    package static func text(_ code: Int32 = errno) -> String {
        var text = String(cString: strerror(code))
        if let first = text.first, first.isUppercase, text.dropFirst().first?.isUppercase != true {
            text = first.lowercased() + text.dropFirst()
        }
        return text
    }
}

extension SystemError {
    /// Writes `bytes` to `path` (created with mode 0666 less the umask, or truncated), as `cp` and
    /// butane do; the error number when it cannot.
    package static func writeFile(_ path: String, _ bytes: [UInt8]) -> Int32? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { return errno }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                return code
            }
            offset += n
        }
        return close(fd) == 0 ? nil : errno
    }
}
