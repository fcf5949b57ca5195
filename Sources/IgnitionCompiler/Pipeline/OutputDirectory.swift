import CIgnccSystem
import Foundation
import Glibc

/// Writes an output tree atomically: everything goes into a temporary sibling directory,
/// which is flushed to disk and then swapped in with one rename. A failed or killed build
/// leaves the previous tree as it was; an interrupted one leaves only a hidden sibling,
/// cleaned up by the next build.
public enum OutputDirectory {
    /// Present in every tree igncc writes; igncc replaces no directory without it.
    public static let markerName = ".igncc-output"
    static let markerText = "This directory is written by igncc; 'igncc build' replaces it whole.\n"

    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes the tree. Missing parent directories of `path` are created first (mode 0755), and
    /// removed again when the write fails; the tree itself still appears in one rename.
    public static func write(_ files: [OutputFile], to path: String) throws {
        let target = trimmed(path)
        let parent = parent(of: target)
        let base = lastPathComponent(of: target)
        let existing = try inspect(target)
        let madeParents = try makeParents(parent)
        removeStaleSiblings(parent: parent, base: base)

        let staging = parent + "/.\(base).igncc-new-\(getpid())"
        removeTree(staging)
        do {
            try makeDirectory(staging)
            try writeFile(staging + "/" + markerName, Array(markerText.utf8), mode: 0o644)
            try writeTree(files, into: staging)
            try flush(staging)
            if existing {
                if igncc_rename_exchange(staging, target) != 0 {
                    guard errno == EINVAL || errno == ENOSYS else { throw failure("cannot replace '\(target)'") }
                    // No atomic exchange on this file system: move the old tree aside first.
                    let aside = parent + "/.\(base).igncc-old-\(getpid())"
                    guard rename(target, aside) == 0 else { throw failure("cannot move '\(target)' aside") }
                    guard rename(staging, target) == 0 else { throw failure("cannot move the new tree to '\(target)'") }
                    removeTree(aside)
                } else {
                    // `staging` now holds the previous tree.
                    removeTree(staging)
                }
            } else if rename(staging, target) != 0 {
                throw failure("cannot move the new tree to '\(target)'")
            }
            try flush(parent)
        } catch {
            removeTree(staging)
            for directory in madeParents.reversed() { rmdir(directory) }
            throw error
        }
    }

    /// Everything `write` checks before it writes: that `path` is absent, empty or a tree igncc
    /// wrote, and that its parent exists or can be created (nothing is created). `igncc build
    /// --dry-run` stops here.
    public static func check(_ path: String) throws {
        let target = trimmed(path)
        _ = try inspect(target)
        _ = try missingParents(parent(of: target))
    }

    /// The directory holding `target`, as an absolute path resolved by the kernel as `target` is
    /// (no lexical `..` folding, which a symbolic link would make wrong).
    private static func parent(of target: String) -> String {
        parentPath(of: target.hasPrefix("/") ? target : FileManager.default.currentDirectoryPath + "/" + target)
    }

    private static func trimmed(_ path: String) -> String {
        var target = path
        while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
        return target
    }

    /// The directories to create so that `directory` exists, outermost first; throws, with the
    /// system's reason, when one of its ancestors is not a directory or cannot be looked at.
    private static func missingParents(_ directory: String) throws -> [String] {
        var missing: [String] = []
        var path = directory
        while true {
            var info = stat()
            if stat(path, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    let what = info.st_mode & S_IFMT == S_IFREG ? "is a file" : "is not a directory"
                    throw WriteError(description: "cannot create directory '\(missing.last ?? directory)': "
                                     + "\(SystemError.text(ENOTDIR)) ('\(path)' \(what))")
                }
                return missing.reversed()
            }
            // ENOTDIR: an ancestor is a file; go up to name it.
            guard errno == ENOENT || errno == ENOTDIR else {
                throw failure("cannot create directory '\(directory)'")
            }
            missing.append(path)
            let up = parentPath(of: path)
            guard !up.isEmpty, up != path else { return missing.reversed() }
            path = up
        }
    }

    /// Creates the missing parents of the tree; returns those it created, outermost first.
    private static func makeParents(_ directory: String) throws -> [String] {
        let missing = try missingParents(directory)
        var made: [String] = []
        for path in missing {
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
                let error = failure("cannot create directory '\(path)'")
                for directory in made.reversed() { rmdir(directory) }
                throw error
            }
            made.append(path)
        }
        return made
    }

    /// Whether `path` holds a previous tree to replace; throws when it is something igncc must not touch.
    private static func inspect(_ path: String) throws -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            // Absent, or below a missing directory or a file: `missingParents` says which.
            if errno == ENOENT || errno == ENOTDIR { return false }
            throw failure("cannot inspect '\(path)'")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw WriteError(description: "'\(path)' exists and is not a directory; refusing to replace it")
        }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { close(fd); errno = EIO }
            throw failure("cannot read directory '\(path)'")
        }
        if !entries.isEmpty && !entries.contains(markerName) {
            throw WriteError(description:
                "'\(path)' exists and was not written by igncc (it has no \(markerName)); refusing to replace it")
        }
        return true
    }

    /// Removes staging trees left by builds that were killed (their process is gone): those
    /// that carry the marker, and empty ones (killed before the marker was written).
    /// `removeTree` deletes the marker last, so a tree whose removal was cut short keeps it.
    private static func removeStaleSiblings(parent: String, base: String) {
        let prefix = ".\(base).igncc-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.split(separator: "-").last ?? ""), pid != getpid(),
                  kill(pid, 0) != 0 && errno == ESRCH else { continue }
            let path = parent + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
            if access(path + "/" + markerName, F_OK) == 0 {
                removeTree(path)
            } else {
                rmdir(path)  // fails, leaving it, unless it is empty
            }
        }
    }

    /// Creates every directory once, then writes the files from as many threads as there are
    /// cores (the files are independent; the kernel's per-directory locks are the only contention).
    private static func writeTree(_ files: [OutputFile], into root: String) throws {
        var directories = Set<Substring>()
        for file in files {
            try checkRelative(file.relativePath)
            var path = Substring(file.relativePath)
            while let slash = path.lastIndex(of: "/") {
                path = path[..<slash]
                guard directories.insert(path).inserted else { break }
            }
        }
        // Parents sort before their children.
        for directory in directories.sorted(by: { $0.utf8.count < $1.utf8.count }) {
            try makeDirectory(root + "/" + directory)
        }
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, files.count / 256))
        nonisolated(unsafe) let failures = UnsafeMutableBufferPointer<(any Error)?>.allocate(capacity: workers)
        failures.initialize(repeating: nil)
        defer { failures.deallocate() }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < files.count {
                let file = files[index]
                do {
                    try writeFile(root + "/" + file.relativePath, file.contents, mode: file.mode)
                } catch {
                    failures[worker] = error
                    return
                }
                index += workers
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
    }

    /// Removes a tree igncc wrote, its marker last: a removal killed half-way leaves a tree
    /// that still says it is igncc's, so that the next build may finish the job.
    private static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            unlink(path)
            return
        }
        let marker = markerName
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where name != marker {
            try? FileManager.default.removeItem(atPath: path + "/" + name)
        }
        unlink(path + "/" + marker)
        rmdir(path)
    }

    private static func checkRelative(_ path: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.hasPrefix("/") || parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            throw WriteError(description: "internal error: output path '\(path)' is not a plain relative path")
        }
    }

    private static func makeDirectory(_ path: String) throws {
        guard mkdir(path, 0o755) == 0 else { throw failure("cannot create directory '\(path)'") }
        chmod(path, 0o755)
    }

    private static func writeFile(_ path: String, _ bytes: [UInt8], mode: UInt16) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw failure("cannot create '\(path)'") }
        defer { close(fd) }
        guard fchmod(fd, mode_t(mode)) == 0 else { throw failure("cannot set the mode of '\(path)'") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write '\(path)'")
            }
            offset += n
        }
    }

    /// Flushes the file system holding `path` and the directory entry itself.
    private static func flush(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open '\(path)'") }
        defer { close(fd) }
        guard igncc_syncfs(fd) == 0, fsync(fd) == 0 else { throw failure("cannot flush '\(path)' to disk") }
    }

    private static func failure(_ what: String) -> WriteError {
        WriteError(description: "\(what): \(SystemError.text())")
    }
}
