import Crypto
import Foundation
import Glibc
import IgnitionCompiler
import NIOCore

/// One build of the output directory, read whole into memory and verified against its
/// `SHA512SUMS`: what the server answers from. A request is answered from one snapshot, so the
/// server never mixes two builds; a new build replaces the snapshot in one step.
struct BuildSnapshot: Sendable {
    struct File: Sendable {
        var bytes: ByteBuffer
        /// The sha512 from SHA512SUMS (verified).
        var sha512: String
        /// `"<sha512>"`: the file's ETag.
        var etag: String
        var contentType: String
        /// The host the file belongs to, for the access log.
        var host: String?
    }

    /// By relative path: the files SHA512SUMS lists that the exposure serves, and no other.
    var files: [String: File]
    var index: ServeIndex?
    /// Which directory this is (device and inode of the tree when it was read).
    var identity: DirectoryIdentity
    /// The 200 answers, prepared once per snapshot.
    var responses: PrebuiltResponses

    /// The path of the index's `base_url` (`kubernetes` for `http://elrond.lacave/kubernetes`),
    /// percent-decoded, without its slashes; nil when the base URL has none (or there is no index).
    var prefix: String? { index?.base_url.flatMap(Self.prefix(ofBaseURL:)) }

    /// The prefix as the start-up line shows it: `/` or `/kubernetes`.
    var prefixPath: String { "/" + (prefix ?? "") }

    /// The path of a base URL: what follows `scheme://authority`, up to a query or fragment.
    static func prefix(ofBaseURL url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let path = rest[slash...].prefix { $0 != "?" && $0 != "#" }
        let trimmed = path.split(separator: "/").joined(separator: "/")
        guard !trimmed.isEmpty, let decoded = RequestPath.percentDecode(Substring(trimmed)),
              RequestPath.isServable(decoded) else { return nil }
        return decoded
    }

    /// The path a request means when it is below the prefix (`kubernetes/ignition/kube01.ign` →
    /// `ignition/kube01.ign`, `kubernetes/boot.ipxe` → `boot.ipxe`); nil otherwise.
    func unprefixed(_ path: String) -> String? {
        guard let prefix, path.hasPrefix(prefix + "/") else { return nil }
        return String(path.dropFirst(prefix.count + 1))
    }

    /// `/ignition?mac=…` or `/ipxe?mac=…`: the name of the host owning the MAC and the path of
    /// its config or iPXE script (nil for a host without one); nil when no host owns the MAC.
    func lookup(_ path: RequestPath) -> (host: String, file: String?)? {
        guard let index, let host = index.host(mac: path.parameter("mac") ?? "") else { return nil }
        return (host.name, path.path == "ignition" ? host.ignition : host.ipxe)
    }

    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads the tree at `root`. Every path is opened relative to one descriptor of the tree, without
    /// following symbolic links, so a tree swapped in while reading cannot give a mix: a file that
    /// changed or vanished makes the load fail (the caller tries again). Every line of SHA512SUMS
    /// is checked for a safe path; only the files `exposure` serves are read, verified and kept.
    static func load(_ root: String, exposure: ServeExposure) throws -> BuildSnapshot {
        let dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirfd >= 0 else { throw LoadError(description: "cannot open '\(root)': \(SystemError.text())") }
        defer { close(dirfd) }
        var info = stat()
        guard fstat(dirfd, &info) == 0 else { throw LoadError(description: "cannot inspect '\(root)': \(SystemError.text())") }
        let identity = DirectoryIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        guard let sums = try? readFile(dirfd, Checksums.fileName) else {
            throw LoadError(description: "'\(root)' has no \(Checksums.fileName): it is not a tree 'igncc build' wrote")
        }
        var files: [String: File] = [:]
        let entries: [Checksums.Entry]
        do {
            entries = try Checksums.entries(in: String(decoding: sums, as: UTF8.self))
        } catch {
            throw LoadError(description: "malformed line in \(Checksums.fileName): '\(error.text)'")
        }
        for entry in entries {
            let hex = entry.sha512, path = entry.path
            guard RequestPath.isServable(path) else { throw LoadError(description: "\(Checksums.fileName) lists an unsafe path '\(path)'") }
            guard exposure.serves(path) else { continue }
            let bytes = try readFile(dirfd, path)
            guard Checksums.hex(of: bytes) == hex else {
                throw LoadError(description: "'\(path)' does not match its sha512 in \(Checksums.fileName) (a build in progress?)")
            }
            files[path] = File(bytes: ByteBuffer(bytes: bytes), sha512: hex, etag: "\"\(hex)\"",
                               contentType: ServeResponder.contentType(of: path))
        }
        var index: ServeIndex?
        if let file = files[ServeIndex.path] {
            index = try ServeIndex.decode(Array(file.bytes.readableBytesView))
            for host in index?.hosts ?? [] {
                for path in [host.ignition, host.ipxe, host.script].compactMap({ $0 }) + host.macs.map(InstallPaths.byMAC) {
                    files[path]?.host = host.name
                }
            }
        }
        let prefix = index?.base_url.flatMap(Self.prefix(ofBaseURL:))
        return BuildSnapshot(files: files, index: index, identity: identity,
                             responses: PrebuiltResponses(files: files, prefix: prefix))
    }

    /// A regular file below `dirfd`, every component opened without following links.
    private static func readFile(_ dirfd: Int32, _ path: String) throws -> [UInt8] {
        var fd = dup(dirfd)
        let parts = path.split(separator: "/").map(String.init)
        for (i, part) in parts.enumerated() {
            let flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (i == parts.count - 1 ? 0 : O_DIRECTORY)
            let next = openat(fd, part, flags)
            close(fd)
            guard next >= 0 else { throw LoadError(description: "cannot open '\(path)': \(SystemError.text())") }
            fd = next
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw LoadError(description: "'\(path)' is not a regular file")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LoadError(description: "cannot read '\(path)': \(SystemError.text())")
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }
}

struct DirectoryIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64

    /// The tree now at `root`, or nil.
    static func of(_ root: String) -> DirectoryIdentity? {
        var info = stat()
        guard stat(root, &info) == 0 else { return nil }
        return DirectoryIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
