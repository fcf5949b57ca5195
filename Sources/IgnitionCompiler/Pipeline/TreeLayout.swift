/// Which part of the output tree each target owns: one top-level directory, all of whose files it
/// writes and no other target does, and any files of its own at the top of the tree. Partial
/// builds keep or replace a target's files by it.
extension BuildTarget {
    /// The top-level directory of the output tree that holds this target's files, and only them.
    public var directory: String {
        switch self {
        case .ignition: return "ignition"
        case .network: return "network"
        case .butane: return "butane"
        case .kubespray: return "kubespray"
        case .k3s: return "k3s"
        case .bindZone: return "bind"
        case .libvirt: return "libvirt"
        case .dnsmasq: return "dnsmasq"
        case .kea: return "kea"
        case .install: return "install"
        }
    }

    /// Files at the top of the tree that this target writes: `boot.ipxe` for `install`, where a
    /// web server whose root is the tree answers `/boot.ipxe` as `igncc serve` does.
    public var topLevelFiles: [String] {
        switch self {
        case .install: return ["boot.ipxe"]
        default: return []
        }
    }

    /// The target whose directory holds `relativePath` or that writes it at the top of the tree,
    /// or nil for the tree's own files (`SHA512SUMS`) and anything no target writes.
    public static func owner(of relativePath: String) -> BuildTarget? {
        guard let slash = relativePath.firstIndex(of: "/") else {
            return allCases.first { $0.topLevelFiles.contains(relativePath) }
        }
        let top = relativePath[..<slash]
        return allCases.first { $0.directory == top }
    }
}

extension Compiler {
    /// The targets whose files describe files of `targets` (their hashes, their paths): `install`
    /// for `ignition`. They are stale once those files change, so they go with them.
    public static func dependents(of targets: [BuildTarget], backends: [any Backend] = coreBackends) -> [BuildTarget] {
        var found: [BuildTarget] = []
        var changed = true
        while changed {
            changed = false
            for case let backend as any DerivedBackend in backends where !found.contains(backend.target) {
                if backend.requires.contains(where: { targets.contains($0) || found.contains($0) }) {
                    found.append(backend.target)
                    changed = true
                }
            }
        }
        return found.filter { !targets.contains($0) }
    }
}
