/// Which part of the output tree each target owns: one top-level directory, all of whose files it
/// writes and no other target does. Partial builds keep or replace a target's files by it.
extension BuildTarget {
    /// The top-level directory of the output tree that holds this target's files, and only them.
    public var directory: String {
        switch self {
        case .ignition: return "ignition"
        case .network: return "network"
        case .butane: return "butane"
        case .kubespray: return "kubespray"
        case .bindZone: return "bind"
        case .libvirt: return "libvirt"
        case .dnsmasq: return "dnsmasq"
        case .kea: return "kea"
        case .install: return "install"
        }
    }

    /// The target whose directory holds `relativePath`, or nil for the files at the tree's root
    /// (`SHA512SUMS`) and anything no target writes.
    public static func owner(of relativePath: String) -> BuildTarget? {
        guard let slash = relativePath.firstIndex(of: "/") else { return nil }
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
