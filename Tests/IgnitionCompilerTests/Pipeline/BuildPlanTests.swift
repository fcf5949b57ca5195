import Foundation
import Testing
@testable import IgnitionCompiler

/// After each build, which machines must be reinstalled; `--dry-run` prints that and the files a
/// build would change, and leaves the tree exactly as it was (the binary, as a user runs it).
@Suite struct BuildPlanTests {
    static let lacave = TestPaths.samples.appendingPathComponent("lacave/site.yaml").path
    static let environment = ["SOURCE_DATE_EPOCH": "1795392000"]

    static func igncc(_ arguments: [String]) throws -> ProcessResult {
        let result = try runProcess(TestPaths.binary, arguments, environment: environment)
        #expect(result.status == 0, "igncc \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    /// The lines after the summary line.
    static func plan(_ result: ProcessResult) -> [String] {
        Array(result.stdout.split(separator: "\n").dropFirst().map(String.init))
    }

    /// `SHA512SUMS` as path → hash.
    static func sums(_ out: String) throws -> [String: String] {
        let text = try String(contentsOfFile: out + "/" + Checksums.fileName, encoding: .utf8)
        return Dictionary(uniqueKeysWithValues: try Checksums.entries(in: text).map { ($0.path, $0.sha512) })
    }

    /// The hosts whose `ignition/<host>.ign` differs between two trees, as sha512sum sees the files.
    static func differingConfigs(_ a: String, _ b: String) throws -> [String] {
        let hosts = try FileManager.default.contentsOfDirectory(atPath: a + "/ignition").map { String($0.dropLast(4)) }.sorted()
        return try hosts.filter { host in
            let sums = try runProcess("/usr/bin/env", ["sha512sum", "\(a)/ignition/\(host).ign", "\(b)/ignition/\(host).ign"])
            let hashes = sums.stdout.split(separator: "\n").map { $0.prefix(128) }
            return hashes.count != 2 || hashes[0] != hashes[1]
        }
    }

    static func variant(_ dir: TemporaryDirectory, _ name: String, of base: String = lacave, _ old: String, _ new: String) throws -> String {
        let text = try String(contentsOfFile: base, encoding: .utf8)
        try #require(text.contains(old))
        try dir.write(name, text.replacingOccurrences(of: old, with: new))
        return dir.file(name)
    }

    @Test func reinstallLineAfterEachBuild() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        let first = try Self.igncc(["build", Self.lacave, "-o", out])
        #expect(Self.plan(first) == ["reinstall: none", "added: kube01 kube02 kube03 kube04"])
        #expect(Self.plan(try Self.igncc(["build", Self.lacave, "-o", out])) == ["reinstall: none"])

        // kube01 alone gets another time zone: its config alone changes.
        try FileManager.default.copyItem(atPath: out, toPath: dir.file("before"))
        let paris = try Self.variant(dir, "paris.yaml", "  kube01:\n", "  kube01:\n    timezone: Europe/Paris\n")
        let changed = try Self.igncc(["build", paris, "-o", out])
        #expect(try Self.differingConfigs(dir.file("before"), out) == ["kube01"])
        #expect(Self.plan(changed) == ["reinstall: kube01"])

        // Another install disk is in the install command, not in the config: nothing to reinstall.
        let disk = try Self.variant(dir, "disk.yaml", of: paris, "install_disk: /dev/nvme0n1", "install_disk: /dev/nvme1n1")
        let scriptBefore = try Data(contentsOf: URL(fileURLWithPath: out + "/install/kube04.sh"))
        #expect(Self.plan(try Self.igncc(["build", disk, "-o", out])) == ["reinstall: none"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/install/kube04.sh")) != scriptBefore)

        // A kept ignition/ is not rebuilt, and says so.
        #expect(Self.plan(try Self.igncc(["build", Self.lacave, "--target", "kubespray", "-o", out]))
                == ["reinstall: none (ignition not rebuilt)"])

        // kube04 leaves the site.
        var text = try String(contentsOfFile: Self.lacave, encoding: .utf8)
        let start = try #require(text.range(of: "  kube04:\n")), end = try #require(text.range(of: "\nkubernetes:"))
        text.removeSubrange(start.lowerBound..<end.lowerBound)
        try dir.write("three.yaml", text)
        #expect(Self.plan(try Self.igncc(["build", dir.file("three.yaml"), "-o", out])).contains("removed: kube04"))
    }

    /// `--dry-run` lists exactly the files a real build changes, and touches nothing.
    @Test func dryRunWritesNothing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        _ = try Self.igncc(["build", Self.lacave, "-o", out])
        let paris = try Self.variant(dir, "paris.yaml", "  kube03:\n", "  kube03:\n    timezone: Europe/Paris\n")

        func state() throws -> [String: String] {
            var seen: [String: String] = [:]
            let enumerator = try #require(FileManager.default.enumerator(atPath: out))
            while let path = enumerator.nextObject() as? String {
                var info = stat()
                #expect(lstat(out + "/" + path, &info) == 0)
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: out + "/" + path))).map { Checksums.hex(of: [UInt8]($0)) } ?? "dir"
                seen[path] = "\(info.st_ino) \(info.st_mode) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(bytes)"
            }
            var root = stat()
            #expect(stat(out, &root) == 0)
            seen["."] = "\(root.st_ino) \(root.st_mtim.tv_sec).\(root.st_mtim.tv_nsec)"
            return seen
        }
        let before = try state()
        let parentBefore = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let dry = try Self.igncc(["build", paris, "--dry-run", "-o", out])
        #expect(try state() == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == parentBefore)

        // What a real build of the same site changes, by the two SHA512SUMS.
        try FileManager.default.copyItem(atPath: out, toPath: dir.file("real"))
        _ = try Self.igncc(["build", paris, "-o", dir.file("real")])
        let old = try Self.sums(out), new = try Self.sums(dir.file("real"))
        let changed = new.keys.filter { old[$0] != nil && old[$0] != new[$0] }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(!changed.isEmpty && Set(new.keys) == Set(old.keys))
        #expect(dry.stdout.split(separator: "\n").first == "igncc: dry run: would write 48 files for 4 hosts to \(out); nothing written")
        #expect(Self.plan(dry) == ["reinstall: \(try Self.differingConfigs(out, dir.file("real")).joined(separator: " "))",
                                   "files: 0 added, \(changed.count) changed, 0 removed"]
                + changed.map { "  changed \($0)" })

        // Unchanged site: nothing would change. A new directory: everything would be added, and
        // none of its missing parents is created.
        let same = try Self.igncc(["build", Self.lacave, "--dry-run", "-o", out])
        #expect(Self.plan(same) == ["reinstall: none", "files: none would change"])
        let fresh = try Self.igncc(["build", Self.lacave, "--dry-run", "-o", dir.file("new/tree")])
        #expect(Self.plan(fresh).prefix(3) == ["reinstall: none", "added: kube01 kube02 kube03 kube04",
                                                "files: \(old.count) added, 0 changed, 0 removed"])
        #expect(!FileManager.default.fileExists(atPath: dir.file("new")))
        // A directory igncc did not write is refused as a build refuses it.
        try FileManager.default.createDirectory(atPath: dir.file("mine"), withIntermediateDirectories: false)
        try dir.write("mine/notes.txt", "mine\n")
        let foreign = try runProcess(TestPaths.binary, ["build", Self.lacave, "--dry-run", "-o", dir.file("mine")])
        #expect(foreign.status == 1 && foreign.stderr.contains("was not written by igncc"))
    }
}
