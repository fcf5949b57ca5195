import Foundation
import Testing
@testable import IgnitionCompiler

/// The command line of issue 12: `--version`, target lists, the system's reason in I/O errors,
/// `-o` into missing directories, `igncc check`'s summary (the binary, as a user runs it).
@Suite struct CommandLineOptionsTests {
    static let lacave = TestPaths.samples.appendingPathComponent("lacave/site.yaml").path

    @Test func versionIsTheLibrarysConstant() throws {
        let result = try runProcess(TestPaths.binary, ["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == Compiler.version + "\n")
        #expect(Compiler.version.wholeMatch(of: /(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)/) != nil)
    }

    /// `--target a,b` is `--target a --target b`; so is `igncc clean a,b`.
    @Test func targetsAsACommaList() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let listed = try runProcess(TestPaths.binary, ["build", Self.lacave, "--target", "kubespray,bind-zone", "-o", dir.file("a")])
        let repeated = try runProcess(TestPaths.binary, ["build", Self.lacave, "--target", "kubespray", "--target", "bind-zone",
                                                         "-o", dir.file("b")])
        #expect(listed.status == 0 && repeated.status == 0, "\(listed.stderr)\(repeated.stderr)")
        let top = try FileManager.default.contentsOfDirectory(atPath: dir.file("a")).sorted()
        #expect(top == [".igncc-output", ".igncc-state", "SHA512SUMS", "bind", "kubespray"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("a/SHA512SUMS")))
                == Data(contentsOf: URL(fileURLWithPath: dir.file("b/SHA512SUMS"))))

        let full = try runProcess(TestPaths.binary, ["build", Self.lacave, "-o", dir.file("c")])
        #expect(full.status == 0)
        let clean = try runProcess(TestPaths.binary, ["clean", "kubespray,libvirt", "butane", "-o", dir.file("c")])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.hasPrefix("igncc: removed butane, kubespray, libvirt in \(dir.file("c"));"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("c")).sorted()
                == [".igncc-output", ".igncc-state", "SHA512SUMS", "bind", "boot.ipxe", "dnsmasq", "ignition", "install", "kea", "network"])
    }

    /// A misspelt target is a usage error that says what was meant and lists every target.
    @Test func unknownTargetsAreRefusedWithTheChoices() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let choices = "(the targets: all, ignition, network, butane, kubespray, k3s, bind-zone, libvirt, dnsmasq, kea, install; several may be given as a comma list)"
        let build = try runProcess(TestPaths.binary, ["build", Self.lacave, "--target", "network,kubespary", "-o", dir.file("out")])
        #expect(build.status == 64)
        #expect(build.stderr.hasPrefix("Error: unknown target 'kubespary' for --target; did you mean 'kubespray'? \(choices)\n"),
                "\(build.stderr)")
        let clean = try runProcess(TestPaths.binary, ["clean", "bindzone", "-o", dir.file("out")])
        #expect(clean.status == 64)
        #expect(clean.stderr.hasPrefix("Error: unknown target 'bindzone' for igncc clean; did you mean 'bind-zone'? \(choices)\n"),
                "\(clean.stderr)")
        let empty = try runProcess(TestPaths.binary, ["build", Self.lacave, "--target", "network,", "-o", dir.file("out")])
        #expect(empty.stderr.hasPrefix("Error: empty target name in 'network,' for --target \(choices)\n"), "\(empty.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("out")))
    }

    /// Every I/O error names the path and says why, in the system's words.
    @Test func ioErrorsSayWhy() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let missing = try runProcess(TestPaths.binary, ["check", "nothing.yaml"], directory: dir.path)
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: cannot read site file 'nothing.yaml': no such file or directory\n1 error generated.\n")
        try FileManager.default.createDirectory(atPath: dir.file("folder.yaml"), withIntermediateDirectories: false)
        let folder = try runProcess(TestPaths.binary, ["build", "folder.yaml"], directory: dir.path)
        #expect(folder.stderr == "error: cannot read site file 'folder.yaml': is a directory\n1 error generated.\n")

        // A parent of -o that is a file: mkdir's ENOTDIR, naming the file.
        try dir.write("plain", "a file\n")
        let blocked = try runProcess(TestPaths.binary, ["build", Self.lacave, "-o", dir.file("plain/sub/out")])
        #expect(blocked.status == 1)
        #expect(blocked.stderr == "igncc: error: cannot create directory '\(dir.file("plain/sub"))': not a directory "
                + "('\(dir.file("plain"))' is a file)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["folder.yaml", "plain"])

        let validate = try runProcess(TestPaths.binary, ["validate", dir.file("none.ign")])
        #expect(validate.stderr == "error: cannot read '\(dir.file("none.ign"))': no such file or directory\n")
        try dir.write("a.bu", "variant: fcos\nversion: 1.5.0\n")
        let butane = try runProcess(TestPaths.binary, ["butane", "-o", dir.file("plain/x.ign"), dir.file("a.bu")])
        #expect(butane.stderr == "error: cannot write '\(dir.file("plain/x.ign"))': not a directory\n")
    }

    /// `-o deep/new/out` creates the missing directories and still swaps the tree in whole.
    @Test func outputIntoMissingDirectories() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let result = try runProcess(TestPaths.binary, ["build", Self.lacave, "-o", "deep/new/out"], directory: dir.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("igncc: wrote 48 files for 4 hosts to deep/new/out\n"))
        for parent in ["deep", "deep/new"] {
            let mode = try FileManager.default.attributesOfItem(atPath: dir.file(parent))[.posixPermissions] as? Int
            #expect(mode == 0o755, "\(parent)")
        }
        // Nothing beside the tree: no staging directory left, the tree complete.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("deep/new")) == ["out"])
        let verify = try runProcess("/usr/bin/env", ["sha512sum", "--quiet", "--strict", "-c", "SHA512SUMS"], directory: dir.file("deep/new/out"))
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    /// On success `check` prints one line on standard output; its warnings are counted.
    @Test func checkSumsTheSiteUp() throws {
        let result = try runProcess(TestPaths.binary, ["check", Self.lacave])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout == "\(Self.lacave): ok, 4 hosts (2 control planes, 3 etcd, 4 workers), 1 network, 0 warnings\n")

        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let snippet = "  butane: {storage: {files: [{path: /etc/motd, mode: 644}]}}\n"
        try dir.write("site.yaml", minimalSite.replacingOccurrences(of: "networks:\n", with: snippet + "networks:\n"))
        let warned = try runProcess(TestPaths.binary, ["check"], directory: dir.path)
        #expect(warned.status == 0)
        // A decimal mode: two warnings, both printed and counted.
        #expect(warned.stderr.hasSuffix("\n2 warnings generated.\n"))
        #expect(warned.stdout == "site.yaml: ok, 1 host (1 control plane, 1 etcd, 1 worker), 1 network, 2 warnings\n")
        let strict = try runProcess(TestPaths.binary, ["check", "--strict"], directory: dir.path)
        #expect(strict.status == 1 && strict.stdout.isEmpty)
    }
}
