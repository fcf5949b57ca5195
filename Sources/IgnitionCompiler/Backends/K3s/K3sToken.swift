import Glibc

/// The k3s cluster token: a secret every node joins with, made once and kept beside site.yaml
/// (`kubernetes.k3s.token_file`), so that every build writes the same one into the nodes' configs.
///
/// Made from 32 bytes of the system's CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on
/// Linux), as 64 hex digits. Created atomically and exclusively: written and synced under a
/// temporary name opened with `O_EXCL` and mode 0600, then `link`ed to its name, which fails if
/// another build made one meanwhile (that one is then read). An existing file must be a regular
/// file only its owner can read, holding one line of printable text without spaces.
package enum K3sToken {
    package enum Failure: Error, Equatable {
        /// A system call failed on `path`: the `SystemError` text.
        case io(path: String, text: String)
        /// The file is readable or writable by others than its owner (its permission bits).
        case exposed(path: String, mode: UInt32)
        /// The file holds no usable token: why.
        case malformed(path: String, reason: String)

        package var message: String {
            switch self {
            case .io(let path, let text):
                return "cannot use the k3s token file '\(path)': \(text)"
            case .exposed(let path, let mode):
                return "the k3s token file '\(path)' has mode \(String(mode, radix: 8)); only its owner may read it (chmod 600)"
            case .malformed(let path, let reason):
                return "the k3s token file '\(path)' \(reason)"
            }
        }
    }

    static let maxSize = 4096

    /// The token in `path`, made (and the file created) when there is no file there.
    package static func loadOrCreate(at path: String) -> Result<(token: String, created: Bool), Failure> {
        var info = stat()
        if lstat(path, &info) != 0 {
            guard errno == ENOENT else { return .failure(.io(path: path, text: SystemError.text())) }
            return create(at: path)
        }
        return load(at: path).map { ($0, false) }
    }

    /// 64 hex digits from 32 bytes of the system CSPRNG.
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        var text = ""
        for _ in 0..<4 {
            var word = generator.next() as UInt64
            for _ in 0..<16 {
                text.append(digits[Int(word & 0xF)])
                word >>= 4
            }
        }
        return text
    }

    static func load(at path: String) -> Result<String, Failure> {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ELOOP { return .failure(.malformed(path: path, reason: "is a symbolic link; name the file itself")) }
            return .failure(.io(path: path, text: SystemError.text()))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.io(path: path, text: SystemError.text())) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(.malformed(path: path, reason: "is not a regular file")) }
        guard info.st_mode & 0o077 == 0 else { return .failure(.exposed(path: path, mode: UInt32(info.st_mode & 0o7777))) }
        guard info.st_size <= maxSize else {
            return .failure(.malformed(path: path, reason: "is larger than \(maxSize) bytes; a token is one line"))
        }
        var bytes = [UInt8](repeating: 0, count: maxSize + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.io(path: path, text: SystemError.text()))
            }
            if n == 0 { break }
            count += n
        }
        var text = Array(bytes.prefix(count))
        if text.last == UInt8(ascii: "\n") { text.removeLast() }
        guard !text.isEmpty else { return .failure(.malformed(path: path, reason: "is empty")) }
        guard text.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(.malformed(path: path, reason: "must hold one line of printable ASCII without spaces"))
        }
        return .success(String(decoding: text, as: UTF8.self))
    }

    private static func create(at path: String) -> Result<(token: String, created: Bool), Failure> {
        let token = generate()
        let temporary = path + ".igncc-new-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        // Errors name the token's own path: the temporary one is igncc's business.
        guard fd >= 0 else { return .failure(.io(path: path, text: SystemError.text())) }
        defer { unlink(temporary) }
        let bytes = Array((token + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let text = SystemError.text()
                close(fd)
                return .failure(.io(path: path, text: text))
            }
            offset += n
        }
        // 0600 whatever the umask; on disk before it has its name.
        guard fchmod(fd, 0o600) == 0, fsync(fd) == 0 else {
            let text = SystemError.text()
            close(fd)
            return .failure(.io(path: path, text: text))
        }
        close(fd)
        if link(temporary, path) != 0 {
            // Another build made it first: its token is the cluster's.
            guard errno == EEXIST else { return .failure(.io(path: path, text: SystemError.text())) }
            return load(at: path).map { ($0, false) }
        }
        return .success((token, true))
    }
}
