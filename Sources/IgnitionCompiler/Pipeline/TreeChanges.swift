/// What a new tree changes against the tree it replaces, by the files each tree's `SHA512SUMS`
/// lists: files added, changed and removed, and the hosts whose Ignition config
/// (`ignition/<host>.ign`) is new, different or gone. A host whose config changed must be
/// reinstalled for the change to reach it (Ignition runs once, at first boot).
public struct TreeChanges: Sendable, Equatable {
    /// Relative paths, in `SHA512SUMS` order.
    public var added: [String] = []
    public var changed: [String] = []
    public var removed: [String] = []
    /// Host names, in path order.
    public var reinstall: [String] = []
    public var addedHosts: [String] = []
    public var removedHosts: [String] = []

    /// `previous`: the replaced tree's `SHA512SUMS` lines (none for a new directory); `tree`: the
    /// new tree as `Compiler.buildTree` or `Compiler.assemble` made it, `SHA512SUMS` included.
    public init(previous: [Checksums.Entry], tree: [OutputFile]) {
        let sums = tree.first { $0.relativePath == Checksums.fileName }
        let current = (try? Checksums.entries(in: String(decoding: sums?.contents ?? [], as: UTF8.self))) ?? []
        var before: [String: String] = [:]
        for entry in previous { before[entry.path] = entry.sha512 }
        var now = Set<String>()
        for entry in current {
            now.insert(entry.path)
            let host = Self.host(of: entry.path)
            switch before[entry.path] {
            case nil:
                added.append(entry.path)
                if let host { addedHosts.append(host) }
            case entry.sha512?:
                break
            default:
                changed.append(entry.path)
                if let host { reinstall.append(host) }
            }
        }
        for entry in previous where !now.contains(entry.path) {
            removed.append(entry.path)
            if let host = Self.host(of: entry.path) { removedHosts.append(host) }
        }
    }

    public var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }

    /// The host of a config path, `ignition/<host>.ign`.
    static func host(of path: String) -> String? {
        let prefix = BuildTarget.ignition.directory + "/", suffix = ".ign"
        guard path.hasPrefix(prefix), path.hasSuffix(suffix) else { return nil }
        let name = path.dropFirst(prefix.count).dropLast(suffix.count)
        return name.isEmpty || name.contains("/") ? nil : String(name)
    }
}
