import Foundation
import Glibc

/// Writes `igncc init`'s site.yaml: its directory (and missing parents) created 0755, then the
/// file written beside its final name and renamed over it, so that a reader never sees half of it.
public enum StarterFile {
    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        let directory = parentPath(of: path)
        try makeDirectories(directory.isEmpty ? "." : directory)
        let name = lastPathComponent(of: path)
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).igncc-new-\(getpid())"
        if let code = SystemError.writeFile(temporary, bytes) {
            unlink(temporary)
            throw WriteError(description: "cannot write '\(temporary)': \(SystemError.text(code))")
        }
        guard chmod(temporary, 0o644) == 0, rename(temporary, path) == 0 else {
            let error = WriteError(description: "cannot write '\(path)': \(SystemError.text())")
            unlink(temporary)
            throw error
        }
    }

    /// `mkdir -p`, with the first failure's reason.
    private static func makeDirectories(_ directory: String) throws {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw WriteError(description: "cannot create directory '\(directory)': \(SystemError.text(EEXIST))")
            }
            return
        }
        guard errno == ENOENT else { throw WriteError(description: "cannot create directory '\(directory)': \(SystemError.text())") }
        let parent = parentPath(of: directory)
        if !parent.isEmpty && parent != directory { try makeDirectories(parent) }
        guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
            throw WriteError(description: "cannot create directory '\(directory)': \(SystemError.text())")
        }
    }
}
