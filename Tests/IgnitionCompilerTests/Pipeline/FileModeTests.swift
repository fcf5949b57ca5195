import Foundation
import Glibc
import Testing
@testable import IgnitionCompiler

/// The permission bits of every file `igncc build` writes, whatever the umask: files that may
/// carry secrets (snippets' password hashes, keys and files end up in Ignition and Butane;
/// `kubernetes.vars` in Kubespray's variable files) or a host's network setup are 0600, scripts
/// 0755, the rest 0644; directories 0755. Nothing is group- or world-writable.
@Suite struct FileModeTests {
    /// The mode each output path must have; nil for a path the table does not know, which fails
    /// the test, so that a new kind of output file gets a mode chosen for it.
    static func expectedMode(_ path: String) -> UInt16? {
        let parts = path.split(separator: "/").map(String.init)
        switch (parts.first ?? "", parts.count) {
        case (OutputDirectory.markerName, 1), (Checksums.fileName, 1), (TreeState.fileName, 1): return 0o644
        case ("ignition", 2) where path.hasSuffix(".ign"): return 0o600
        case ("butane", 2) where path.hasSuffix(".bu"): return 0o600
        case ("network", 3): return 0o600
        case ("kubespray", 2) where parts[1] == "inventory.ini": return 0o644
        case ("kubespray", 3) where parts[1] == "host_vars" && path.hasSuffix(".yml"): return 0o600
        case ("kubespray", 4) where parts[1] == "group_vars" && path.hasSuffix(".yml"): return 0o600
        case ("bind", 2): return 0o644
        case ("libvirt", 2) where parts[1] == "lab.sh": return 0o755
        case ("libvirt", 3) where ["networks", "domains"].contains(parts[1]) && path.hasSuffix(".xml"): return 0o644
        case ("dnsmasq", 2) where path.hasSuffix(".conf"): return 0o644
        case ("kea", 2) where parts[1] == "kea-dhcp4.json": return 0o644
        case ("install", 2) where path.hasSuffix(".sh"): return 0o755
        case ("install", 2) where ["hosts.json", "README.txt"].contains(parts[1]): return 0o644
        case ("install", 3) where ["ipxe", "by-mac"].contains(parts[1]) && path.hasSuffix(".ipxe"): return 0o644
        case ("boot.ipxe", 1): return 0o644
        case ("k3s", 2) where parts[1] == "README.txt": return 0o644
        default: return nil
        }
    }

    /// Runs `igncc build` under `umask`, through sh, so that the umask is the process's own.
    private func build(_ site: String, to out: String, umask: String, arguments: [String] = []) throws {
        let result = try runProcess("/bin/sh", ["-c", "umask \(umask); exec \"$0\" \"$@\"",
                                                TestPaths.binary, "build", site, "-o", out] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// Every entry below `root` (which is included, as ""), with its lstat mode.
    private func walk(_ root: String) throws -> [(path: String, mode: mode_t)] {
        var entries: [(String, mode_t)] = []
        var info = stat()
        #expect(lstat(root, &info) == 0)
        entries.append(("", info.st_mode))
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        while let path = enumerator.nextObject() as? String {
            #expect(lstat(root + "/" + path, &info) == 0, "\(path)")
            entries.append((path, info.st_mode))
        }
        return entries
    }

    @Test(arguments: TestPaths.sampleNames(), ["022", "000", "077"])
    func modesFollowTheTableWhateverTheUmask(_ sample: String, umask: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("site"), withIntermediateDirectories: false)
        let (site, arguments) = try TestPaths.sampleInvocation(sample, scratch: dir.file("site"))
        let out = dir.file("out")
        try build(site, to: out, umask: umask, arguments: arguments)
        // Twice: the second build replaces the first (the exchange path), and must not inherit anything.
        try build(site, to: out, umask: umask, arguments: arguments)

        var files = 0
        for (path, mode) in try walk(out) {
            let permissions = UInt16(mode & 0o7777)
            #expect(mode & (S_IWGRP | S_IWOTH) == 0, "'\(path)' is group- or world-writable: \(String(permissions, radix: 8))")
            switch mode & S_IFMT {
            case S_IFDIR:
                #expect(permissions == 0o755, "directory '\(path)' has mode \(String(permissions, radix: 8))")
            case S_IFREG:
                files += 1
                guard let expected = Self.expectedMode(path) else {
                    Issue.record("'\(path)' has no mode in the table (mode \(String(permissions, radix: 8)))")
                    continue
                }
                #expect(permissions == expected,
                        "'\(path)' has mode \(String(permissions, radix: 8)), expected \(String(expected, radix: 8))")
            default:
                Issue.record("'\(path)' is neither a file nor a directory")
            }
        }
        // Every kind of file of the table is there (both samples build every target).
        let paths = try walk(out).map(\.path)
        // (The k3s sample has no Kubespray inventory but out/k3s, and no lab.)
        let distribution = TestPaths.isK3sSample(sample) ? ["k3s/README.txt"]
            : ["kubespray/host_vars/", "kubespray/group_vars/", "libvirt/lab.sh"]
        for kind in ["ignition/", "butane/", "network/", "bind/", "install/hosts.json"] + distribution {
            #expect(paths.contains { $0.hasPrefix(kind) }, "sample '\(sample)' has no \(kind)")
        }
        #expect(files > 10)
        // Nothing is left beside the tree.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["out", "site"])
    }
}
