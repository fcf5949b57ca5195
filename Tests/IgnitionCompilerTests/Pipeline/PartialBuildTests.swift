import Foundation
import Testing
@testable import IgnitionCompiler

/// `igncc build --target X` keeps the other targets' files, `--prune` and `igncc clean` remove
/// them, and zone serials never go backwards whatever the builds in between (the binary, as a
/// user runs it).
@Suite(.serialized) struct PartialBuildTests {
    static let lacave = TestPaths.samples.appendingPathComponent("lacave/site.yaml").path
    /// 2026-11-23.
    static let environment = ["SOURCE_DATE_EPOCH": "1795392000"]

    @discardableResult
    static func igncc(_ arguments: [String], succeeds: Bool = true) throws -> ProcessResult {
        let result = try runProcess(TestPaths.binary, arguments, environment: environment)
        #expect((result.status == 0) == succeeds, "igncc \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    /// Relative path → (contents, mode) of every regular file below `root`.
    static func snapshot(_ root: String) throws -> [String: (Data, Int)] {
        var files: [String: (Data, Int)] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        while let path = enumerator.nextObject() as? String {
            guard (enumerator.fileAttributes?[.type] as? FileAttributeType) == .typeRegular else { continue }
            let mode = enumerator.fileAttributes?[.posixPermissions] as? Int ?? -1
            files[path] = (try Data(contentsOf: URL(fileURLWithPath: root + "/" + path)), mode)
        }
        return files
    }

    static func sha512sumCheck(_ out: String) throws {
        let verify = try runProcess("/usr/bin/env", ["sha512sum", "--quiet", "--strict", "-c", Checksums.fileName], directory: out)
        #expect(verify.status == 0, "sha512sum -c: \(verify.stdout)\(verify.stderr)")
    }

    static func serial(_ out: String, zone: String = "db.lacave.info") throws -> UInt32 {
        let text = try String(contentsOfFile: out + "/bind/" + zone, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasSuffix("; serial") })
        return try #require(UInt32(line.trimmingCharacters(in: .whitespaces).prefix { $0.isNumber }))
    }

    /// The sample with some lines replaced, written to `dir/name`.
    static func variant(_ dir: TemporaryDirectory, _ name: String, _ replacements: [(String, String)]) throws -> String {
        var text = try String(contentsOfFile: lacave, encoding: .utf8)
        for (old, new) in replacements {
            try #require(text.contains(old), "the sample has no '\(old)'")
            text = text.replacingOccurrences(of: old, with: new)
        }
        try dir.write(name, text)
        return dir.file(name)
    }

    /// Sequence 1 of issue 11: a build of one target leaves every other target's files exactly as
    /// they were (even where the site changed them), and the tree still verifies whole.
    @Test func targetKeepsTheOtherTargetsFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.igncc(["build", Self.lacave, "-o", out])
        let before = try Self.snapshot(out)
        #expect(before["boot.ipxe"] != nil && before["install/by-mac/52-54-00-00-01-24.ipxe"] != nil)
        // Another time zone (Ignition, Butane) and another label (Kubespray's host_vars).
        let changed = try Self.variant(dir, "site.yaml", [("timezone: America/Toronto", "timezone: Europe/Paris"),
                                                          ("labels: {disktype: ssd}", "labels: {disktype: nvme}")])
        let result = try Self.igncc(["build", changed, "--target", "kubespray", "-o", out])
        // The configs were kept as they were: no machine to reinstall, however the site changed.
        #expect(result.stdout == "igncc: wrote 48 files for 4 hosts to \(out) "
                + "(built kubespray; kept ignition, network, butane, bind-zone, libvirt, dnsmasq, kea, install)\n"
                + "reinstall: none (ignition not rebuilt)\n")
        let after = try Self.snapshot(out)
        #expect(Set(after.keys) == Set(before.keys))
        for (path, (bytes, mode)) in before where !path.hasPrefix("kubespray/") && path != Checksums.fileName {
            #expect(after[path]?.0 == bytes && after[path]?.1 == mode, "\(path) changed")
        }
        #expect(after["kubespray/host_vars/kube04.yml"]?.0 != before["kubespray/host_vars/kube04.yml"]?.0)
        #expect(String(decoding: after["kubespray/host_vars/kube04.yml"]!.0, as: UTF8.self).contains("disktype: nvme"))
        #expect(after["kubespray/host_vars/kube04.yml"]?.1 == 0o600)
        try Self.sha512sumCheck(out)
    }

    /// The same under `igncc serve`: the partial build is picked up and every host still boots;
    /// a build that drops `install/` and one that drops a host make serve warn.
    @Test func serveKeepsItsHostsAcrossAPartialBuild() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.igncc(["build", Self.lacave, "-o", out])
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        let config = try Data(contentsOf: URL(fileURLWithPath: out + "/ignition/kube01.ign"))
        func reloads() -> Int { server.log.components(separatedBy: "event=reloaded").count - 1 }
        func waitForReload(after count: Int) {
            for _ in 0..<100 where reloads() <= count { usleep(50_000) }
            #expect(reloads() > count, "serve did not pick up the new tree")
        }

        let changed = try Self.variant(dir, "site.yaml", [("labels: {disktype: ssd}", "labels: {disktype: nvme}")])
        try Self.igncc(["build", changed, "--target", "kubespray", "-o", out])
        waitForReload(after: 0)
        let reloaded = server.log.split(separator: "\n").filter { $0.contains("event=reloaded") }
        #expect(reloaded.count == 1 && reloaded[0].hasSuffix(" hosts=4"), "\(server.log)")
        let reply = try server.client.get("/ignition?mac=52:54:00:00:01:21")
        #expect(reply.status == 200 && reply.body == [UInt8](config))
        #expect(try server.client.get("/ipxe?mac=52:54:00:00:01:24").status == 200)
        #expect(!server.log.contains("event=warning"))

        // A site without kube04: the reload names it.
        var text = try String(contentsOfFile: Self.lacave, encoding: .utf8)
        let start = try #require(text.range(of: "  kube04:\n")), end = try #require(text.range(of: "\nkubernetes:"))
        text.removeSubrange(start.lowerBound..<end.lowerBound)
        try dir.write("three.yaml", text)
        try Self.igncc(["build", dir.file("three.yaml"), "-o", out])
        waitForReload(after: 1)
        #expect(server.log.contains("event=warning what=hosts-dropped count=1 hosts=kube04 before=4 after=3"), "\(server.log)")
        #expect(try server.client.get("/ignition?mac=52:54:00:00:01:24").status == 404)

        // Removing ignition removes install (it pins the configs' hashes): no index at all.
        let clean = try Self.igncc(["clean", "ignition", "-o", out])
        #expect(clean.stdout.hasPrefix("igncc: removed ignition, install in \(out);"))
        waitForReload(after: 2)
        #expect(server.log.contains("event=warning what=index-gone path=install/hosts.json hosts=3 "), "\(server.log)")
        #expect(try server.client.get("/ignition?mac=52:54:00:00:01:21").status == 404)
        #expect(server.stop() == 0)
    }

    /// Sequence 2 of issue 11: the serial of a zone goes up across builds that keep, prune, clean
    /// or do not write the zone, and the zone still passes named-checkzone.
    @Test func zoneSerialsNeverGoBackwards() throws {
        let checkzone = try RealConsumerTests.tool("named-checkzone", package: "bind9-utils")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.igncc(["build", Self.lacave, "-o", out])
        let s1 = try Self.serial(out)
        #expect(s1 == 2026112300)
        let elrond6 = try Self.variant(dir, "six.yaml", [("value: 192.168.1.5}", "value: 192.168.1.6}")])
        let elrond7 = try Self.variant(dir, "seven.yaml", [("value: 192.168.1.5}", "value: 192.168.1.7}")])

        // Kept: the zone is not rebuilt, its serial stays.
        try Self.igncc(["build", elrond6, "--target", "kubespray", "-o", out])
        #expect(try Self.serial(out) == s1)
        #expect(!(try String(contentsOfFile: out + "/bind/db.lacave.info", encoding: .utf8)).contains("192.168.1.6"))
        // Pruned: bind/ is gone, the state remembers the serial.
        try Self.igncc(["build", elrond6, "--target", "kubespray", "--prune", "-o", out])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted()
                == [".igncc-output", ".igncc-state", "SHA512SUMS", "kubespray"])
        let state = try String(contentsOfFile: out + "/" + TreeState.fileName, encoding: .utf8)
        #expect(state.contains("\nzone bind/db.lacave.info 2026112300\n"), "\(state)")
        try Self.igncc(["build", elrond6, "-o", out])
        let s2 = try Self.serial(out)
        #expect(s2 == 2026112301)
        // Cleaned, then rebuilt: not the same file any more (there is none), so the next serial.
        try Self.igncc(["clean", "bind-zone", "-o", out])
        #expect(!FileManager.default.fileExists(atPath: out + "/bind"))
        try Self.sha512sumCheck(out)
        try Self.igncc(["build", elrond6, "-o", out])
        let s3 = try Self.serial(out)
        #expect(s3 == 2026112302)
        // A full build of a site without a dns section drops bind/ (`all` is the whole tree) but not the state.
        var text = try String(contentsOfFile: elrond7, encoding: .utf8)
        let start = try #require(text.range(of: "\ndns:\n")), end = try #require(text.range(of: "\nserve:\n"))
        text.removeSubrange(start.lowerBound..<end.lowerBound)
        try dir.write("nodns.yaml", text)
        try Self.igncc(["build", dir.file("nodns.yaml"), "-o", out])
        #expect(!FileManager.default.fileExists(atPath: out + "/bind"))
        try Self.igncc(["build", elrond7, "-o", out])
        #expect(try Self.serial(out) == 2026112303)
        // Unchanged since: the same serial and the same bytes.
        let zone = try String(contentsOfFile: out + "/bind/db.lacave.info", encoding: .utf8)
        try Self.igncc(["build", elrond7, "-o", out])
        #expect(try String(contentsOfFile: out + "/bind/db.lacave.info", encoding: .utf8) == zone)
        try Self.sha512sumCheck(out)
        let check = try runProcess(checkzone, ["-k", "fail", "-n", "fail", "-i", "full", "lacave.info", out + "/bind/db.lacave.info"])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("loaded serial 2026112303"), "\(check.stdout)")
    }

    /// A kept file that no longer matches SHA512SUMS (or is gone) is refused, naming it; nothing is written.
    @Test func alteredOrMissingKeptFileIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.igncc(["build", Self.lacave, "-o", out])
        let handle = try #require(FileHandle(forWritingAtPath: out + "/ignition/kube01.ign"))
        handle.seekToEndOfFile()
        handle.write(Data("\n".utf8))
        try handle.close()
        let before = try Self.snapshot(out)
        let result = try Self.igncc(["build", Self.lacave, "--target", "kubespray", "-o", out], succeeds: false)
        #expect(result.stderr == "igncc: error: '\(out)/ignition/kube01.ign' was altered since igncc wrote it (it does not match "
                + "its line in SHA512SUMS); rebuild it (--target ignition) or drop it (--prune, or igncc clean ignition)\n")
        let after = try Self.snapshot(out)
        #expect(Set(after.keys) == Set(before.keys))
        for (path, (bytes, _)) in before { #expect(after[path]?.0 == bytes, "\(path)") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out"])

        // Rebuilding the altered target is fine; then a missing file of another target is refused.
        try Self.igncc(["build", Self.lacave, "--target", "ignition", "-o", out])
        try Self.sha512sumCheck(out)
        try FileManager.default.removeItem(atPath: out + "/libvirt/lab.sh")
        let missing = try Self.igncc(["clean", "kubespray", "-o", out], succeeds: false)
        #expect(missing.stderr.hasPrefix("igncc: error: '\(out)/libvirt/lab.sh' is listed in SHA512SUMS but is missing; "))
        #expect(FileManager.default.fileExists(atPath: out + "/kubespray/inventory.ini"))
    }

    /// install pins the configs' hashes: rebuilding ignition rebuilds install when the tree has it.
    @Test func ignitionRebuildsInstall() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.igncc(["build", Self.lacave, "-o", out])
        let kubespray = try Data(contentsOf: URL(fileURLWithPath: out + "/kubespray/inventory.ini"))
        let changed = try Self.variant(dir, "site.yaml", [("timezone: America/Toronto", "timezone: Europe/Paris")])
        let result = try Self.igncc(["build", changed, "--target", "ignition", "-o", out])
        // Another time zone: every config changed, every machine to reinstall.
        #expect(result.stdout.hasSuffix("(built ignition, install; kept network, butane, kubespray, bind-zone, libvirt, dnsmasq, kea)\n"
                                        + "reinstall: kube01 kube02 kube03 kube04\n"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/kubespray/inventory.ini")) == kubespray)
        for host in ["kube01", "kube02", "kube03", "kube04"] {
            let config = try Data(contentsOf: URL(fileURLWithPath: out + "/ignition/\(host).ign"))
            let script = try String(contentsOfFile: out + "/install/\(host).sh", encoding: .utf8)
            #expect(script.contains(Checksums.hex(of: [UInt8](config))), "\(host)")
        }
        try Self.sha512sumCheck(out)
        // Without install in the tree, ignition alone stays alone.
        try Self.igncc(["build", changed, "--target", "ignition", "--prune", "-o", out])
        try Self.igncc(["build", Self.lacave, "--target", "ignition", "-o", out])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted()
                == [".igncc-output", ".igncc-state", "SHA512SUMS", "ignition"])
        // install rebuilt because the tree has it was not asked for, but it is written: a site
        // without serve.base_url is warned about (it has only hosts.json), so --strict fails.
        try dir.write("minimal.yaml", minimalSite)
        try Self.igncc(["build", dir.file("minimal.yaml"), "-o", dir.file("small")])
        let relaxed = try Self.igncc(["build", dir.file("minimal.yaml"), "--target", "ignition", "-o", dir.file("small")])
        let install = URL(fileURLWithPath: dir.file("small/install")).standardizedFileURL.path
        #expect(relaxed.stderr.contains("warning: site has no 'serve.base_url': '\(install)' gets hosts.json only"), "\(relaxed.stderr)")
        #expect(relaxed.stdout.contains("(built ignition, install; kept "))
        try Self.igncc(["build", dir.file("minimal.yaml"), "--strict", "--target", "ignition", "-o", dir.file("small")], succeeds: false)
    }

    /// `boot.ipxe`, at the top of the tree, is install's: kept with it, verified like its other
    /// files, removed and rebuilt with it.
    @Test func bootScriptGoesWithInstall() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.igncc(["build", Self.lacave, "-o", out])
        let boot = try Data(contentsOf: URL(fileURLWithPath: out + "/boot.ipxe"))
        #expect(try ServeTests.sums(out).contains { $0.path == "boot.ipxe" })
        try Self.igncc(["build", Self.lacave, "--target", "kubespray", "-o", out])
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/boot.ipxe")) == boot)
        try Self.sha512sumCheck(out)

        // Altered, it stops a build that would keep it, naming its target.
        try dir.write("out/boot.ipxe", "#!ipxe\nchain http://elsewhere/\n")
        let altered = try Self.igncc(["build", Self.lacave, "--target", "kubespray", "-o", out], succeeds: false)
        #expect(altered.stderr == "igncc: error: '\(out)/boot.ipxe' was altered since igncc wrote it (it does not match "
                + "its line in SHA512SUMS); rebuild it (--target install) or drop it (--prune, or igncc clean install)\n")

        let clean = try Self.igncc(["clean", "install", "-o", out])
        #expect(clean.stdout.hasPrefix("igncc: removed install in \(out);"))
        #expect(!FileManager.default.fileExists(atPath: out + "/boot.ipxe"))
        #expect(try !ServeTests.sums(out).contains { $0.path == "boot.ipxe" || $0.path.hasPrefix("install/") })
        try Self.sha512sumCheck(out)
        try Self.igncc(["build", Self.lacave, "--target", "install", "-o", out])
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/boot.ipxe")) == boot)
        try Self.sha512sumCheck(out)
    }

    /// clean refuses what igncc did not write; a broken state file is refused, not ignored.
    @Test func cleanAndStateRefuseWhatTheyCannotVouchFor() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("mine"), withIntermediateDirectories: false)
        try dir.write("mine/notes.txt", "mine\n")
        let foreign = try Self.igncc(["clean", "kubespray", "-o", dir.file("mine")], succeeds: false)
        #expect(foreign.stderr == "igncc: error: '\(dir.file("mine"))' is not a tree igncc wrote (it has no .igncc-output "
                + "or no SHA512SUMS); refusing to clean it\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("mine")) == ["notes.txt"])

        let out = dir.file("out")
        try Self.igncc(["build", Self.lacave, "-o", out])
        try dir.write("out/.igncc-state", "# igncc\nzone bind/db.lacave.info twenty\n")
        let broken = try Self.igncc(["build", Self.lacave, "-o", out], succeeds: false)
        #expect(broken.stderr.hasPrefix("igncc: error: \(out)/.igncc-state:2: unreadable line 'zone bind/db.lacave.info twenty'"))
    }
}
