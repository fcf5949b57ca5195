import Foundation
import Glibc

/// The tree an output directory holds, as the next build or clean sees it: what its `SHA512SUMS`
/// lists, by target, and its state. Files are read only when kept, and each is checked against
/// its `SHA512SUMS` line first: a tree never carries forward a file it cannot vouch for.
public struct PreviousTree: Sendable {
    public typealias Entry = Checksums.Entry

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    public let root: String
    /// Every line of the tree's `SHA512SUMS` (empty when it has none).
    public let entries: [Entry]
    public let state: TreeState
    /// Whether the tree has a `SHA512SUMS`: without one, nothing in it can be kept.
    public let hasChecksums: Bool

    /// The tree at `root` if igncc wrote it (it carries the marker); nil when there is no such
    /// directory or it is not igncc's (whether it may be replaced is `OutputDirectory`'s call).
    public static func read(_ root: String) throws -> PreviousTree? {
        guard access(root + "/" + OutputDirectory.markerName, F_OK) == 0 else { return nil }
        var state = TreeState()
        if let data = try optionalFile(root + "/" + TreeState.fileName) {
            do {
                state = try TreeState.parse(String(decoding: data, as: UTF8.self), name: root + "/" + TreeState.fileName)
            } catch {
                throw ReadError(description: "\(error); it holds the zone serials this tree last had: fix the line, "
                                + "or remove the file to let the serials restart from the zones in the tree")
            }
        }
        guard let sums = try optionalFile(root + "/" + Checksums.fileName) else {
            return PreviousTree(root: root, entries: [], state: state, hasChecksums: false)
        }
        let entries: [Entry]
        do {
            entries = try Checksums.entries(in: String(decoding: sums, as: UTF8.self))
        } catch {
            throw ReadError(description: "\(root)/\(Checksums.fileName): malformed line '\(error.text)'")
        }
        return PreviousTree(root: root, entries: entries, state: state, hasChecksums: true)
    }

    /// A file of the tree that may be absent; one that is there but cannot be read is an error.
    private static func optionalFile(_ path: String) throws -> [UInt8]? {
        switch BoundedFile.read(path, limit: Int.max) {
        case .bytes(let bytes): return bytes
        case .unreadable(let code) where code == ENOENT: return nil
        case .unreadable(let code): throw ReadError(description: "cannot read '\(path)': \(SystemError.text(code))")
        case .tooLarge: throw ReadError(description: "cannot read '\(path)': \(SystemError.text(EFBIG))")
        }
    }

    /// The targets that have files in the tree, in `BuildTarget` order.
    public var targets: [BuildTarget] {
        let present = Set(entries.compactMap { BuildTarget.owner(of: $0.path) })
        return BuildTarget.allCases.filter { present.contains($0) }
    }

    /// Listed files that belong to no target: a tree igncc did not write this way.
    public var unowned: [String] {
        entries.filter { BuildTarget.owner(of: $0.path) == nil }.map(\.path)
    }

    /// The files of `targets`, read and each checked against its `SHA512SUMS` line (same bytes;
    /// a regular file, not a link; not group- or world-writable). `advice` ends each error.
    public func files(of targets: [BuildTarget], advice: (BuildTarget) -> String) throws -> [OutputFile] {
        let wanted = entries.filter { entry in BuildTarget.owner(of: entry.path).map(targets.contains) ?? false }
        let results = Parallel.chunkedMap(wanted) { entry -> Result<OutputFile, ReadError> in
            Result { try read(entry, advice: advice(BuildTarget.owner(of: entry.path)!)) }
                .mapError { $0 as? ReadError ?? ReadError(description: "\($0)") }
        }
        return try results.map { try $0.get() }
    }

    private func read(_ entry: Entry, advice: String) throws -> OutputFile {
        let path = root + "/" + entry.path
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = errno == ENOENT ? "is missing" : "cannot be read (\(SystemError.text()))"
            throw ReadError(description: "'\(path)' is listed in \(Checksums.fileName) but \(reason); \(advice)")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw ReadError(description: "'\(path)' is not a regular file; \(advice)")
        }
        let mode = UInt16(info.st_mode & 0o7777)
        guard mode & 0o7022 == 0 else {
            throw ReadError(description: "'\(path)' has mode \(String(mode, radix: 8)), which igncc never writes "
                            + "(group- or world-writable, or a special bit); \(advice)")
        }
        // One read of the size fstat gave (a file that grew since is caught by the hash below).
        let size = Int(info.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let n = Glibc.read(fd, buffer.baseAddress! + count, size - count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failed = n < 0; break }
                count += n
            }
        }
        if failed { throw ReadError(description: "cannot read '\(path)': \(SystemError.text())") }
        guard Checksums.hex(of: bytes) == entry.sha512 else {
            throw ReadError(description: "'\(path)' was altered since igncc wrote it (it does not match its line in "
                            + "\(Checksums.fileName)); \(advice)")
        }
        return OutputFile(entry.path, contents: bytes, mode: mode)
    }
}
