import Foundation
import Testing
@testable import IgnitionCompiler

/// The `igncc` binary as a user runs it.
@Suite struct CommandLineTests {
    private let lacave = TestPaths.samples.appendingPathComponent("lacave/site.yaml").path

    @Test func checkPassesTheSamples() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for sample in TestPaths.sampleNames() {
            let (site, arguments) = try TestPaths.sampleInvocation(sample, scratch: dir.path)
            let result = try runProcess(TestPaths.binary, ["check", site] + arguments)
            #expect(result.status == 0, "\(sample): \(result.stderr)")
            if TestPaths.isK3sSample(sample) {
                // `all` skips the Kubespray inventory of a k3s site, and says so.
                #expect(result.stderr.hasPrefix("\(site):56:17: warning: the site's distribution is k3s: Kubespray does not install it"), "\(result.stderr)")
                #expect(result.stderr.hasSuffix("1 warning generated.\n"))
            } else {
                #expect(result.stderr.isEmpty)
            }
        }
    }

    @Test func checkReportsEveryErrorAndFails() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("site.yaml", minimalSite.replacingOccurrences(of: "/dev/sda", with: "sda") + "  node1:\n    roles: [worker]\n    nics: []\n")
        let result = try runProcess(TestPaths.binary, ["check"], directory: dir.path)
        #expect(result.status == 1)
        #expect(result.stderr == """
        site.yaml:6:17: error: install disk 'sda' must be a device path under /dev/
         6 |   install_disk: sda
           |                 ^
        site.yaml:19:3: error: duplicate key 'node1' in 'hosts'
         19 |   node1:
            |   ^
        site.yaml:15:3: note: 'node1' first defined here
         15 |   node1:
            |   ^
        2 errors generated.

        """)
    }

    @Test func warningsFailOnlyWhenStrict() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // An even etcd count, the old example, is now an error (Kubespray refuses it): a decimal mode warns.
        let snippet = "  butane: {storage: {files: [{path: /etc/motd, mode: 644}]}}\n"
        try dir.write("site.yaml", minimalSite.replacingOccurrences(of: "networks:\n", with: snippet + "networks:\n"))
        let relaxed = try runProcess(TestPaths.binary, ["check", "site.yaml"], directory: dir.path)
        #expect(relaxed.status == 0)
        #expect(relaxed.stderr.contains("warning: unreasonable mode would be reasonable if specified in octal"))
        let strict = try runProcess(TestPaths.binary, ["check", "--strict", "site.yaml"], directory: dir.path)
        #expect(strict.status == 1)
    }

    @Test func buildWritesEveryTargetByDefault() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let result = try runProcess(TestPaths.binary, ["build", lacave, "-o", dir.file("out")])
        #expect(result.status == 0, "\(result.stderr)")
        // 15, and kubespray's inventory.ini, 2 group_vars and 4 host_vars; 2 zones and
        // named.conf.zones; 1 libvirt network, 4 domains and lab.sh; dnsmasq's and Kea's
        // configurations; hosts.json, README.txt, 4 install and 4 iPXE scripts, 4 by-mac copies
        // and boot.ipxe.
        #expect(result.stdout == "igncc: wrote 48 files for 4 hosts to \(dir.file("out"))\n"
                + "reinstall: none\nadded: kube01 kube02 kube03 kube04\n")
        let top = try FileManager.default.contentsOfDirectory(atPath: dir.file("out")).sorted()
        #expect(top == [".igncc-output", ".igncc-state", "SHA512SUMS", "bind", "boot.ipxe", "butane", "dnsmasq", "ignition", "install", "kea",
                        "kubespray", "libvirt", "network"])
    }

    @Test func buildOneTarget() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let result = try runProcess(TestPaths.binary, ["build", lacave, "--target", "network", "-o", dir.file("out")])
        #expect(result.status == 0, "\(result.stderr)")
        let top = try FileManager.default.contentsOfDirectory(atPath: dir.file("out")).sorted()
        #expect(top == [".igncc-output", "SHA512SUMS", "network"])
        let bad = try runProcess(TestPaths.binary, ["build", lacave, "--target", "kubespary", "-o", dir.file("out")])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--target"))
    }

    /// install describes the Ignition configs by hash: asking for it alone builds them too, and
    /// the sample's hashes in the scripts are those of the files written beside them.
    @Test func installBringsIgnitionAlong() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let result = try runProcess(TestPaths.binary, ["build", lacave, "--target", "install", "-o", dir.file("out")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        // 4 configs; hosts.json, README.txt, 4 install and 4 iPXE scripts, 4 by-mac copies and
        // boot.ipxe; SHA512SUMS.
        #expect(result.stdout == "igncc: wrote 20 files for 4 hosts to \(dir.file("out"))\n"
                + "reinstall: none\nadded: kube01 kube02 kube03 kube04\n")
        let top = try FileManager.default.contentsOfDirectory(atPath: dir.file("out")).sorted()
        #expect(top == [".igncc-output", "SHA512SUMS", "boot.ipxe", "ignition", "install"])
        let install = try FileManager.default.contentsOfDirectory(atPath: dir.file("out/install")).sorted()
        #expect(install == ["README.txt", "by-mac", "hosts.json", "ipxe", "kube01.sh", "kube02.sh", "kube03.sh", "kube04.sh"])
        for host in ["kube01", "kube02", "kube03", "kube04"] {
            let sum = try runProcess("/usr/bin/env", ["sha512sum", "ignition/\(host).ign"], directory: dir.file("out"))
            let script = try String(contentsOfFile: dir.file("out/install/\(host).sh"), encoding: .utf8)
            #expect(script.contains(String(sum.stdout.prefix(128))), "\(host)")
            let mode = try FileManager.default.attributesOfItem(atPath: dir.file("out/install/\(host).sh"))[.posixPermissions] as? Int
            #expect(mode == 0o755)
        }
    }

    /// Every build that writes install/ on a site without serve.base_url warns, naming the tree
    /// by its absolute path (and writes hosts.json only); one that keeps install/ does not.
    @Test func installWithoutBaseURLWarns() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("site.yaml", minimalSite)
        let install = URL(fileURLWithPath: dir.file("out/install")).standardizedFileURL.path
        let warning = "site.yaml:2:7: warning: site has no 'serve.base_url': '\(install)' gets hosts.json only, "
            + "and no install scripts, iPXE scripts or README.txt (they need the URL machines fetch their configs from; "
            + "igncc serve still answers /ignition?mac=); set 'base_url' to where machines reach igncc serve\n"
        let result = try runProcess(TestPaths.binary, ["build", "--target", "install", "-o", "out"], directory: dir.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.hasPrefix(warning), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("out/install")) == ["hosts.json"])
        let all = try runProcess(TestPaths.binary, ["build", "-o", "./out/"], directory: dir.path)
        #expect(all.status == 0)
        #expect(all.stderr.hasPrefix(warning), "\(all.stderr)")
        // install/ rebuilt because the tree has it: warned too; kept: not.
        let brought = try runProcess(TestPaths.binary, ["build", "--target", "ignition", "-o", "out"], directory: dir.path)
        #expect(brought.stderr.hasPrefix(warning), "\(brought.stderr)")
        let kept = try runProcess(TestPaths.binary, ["build", "--target", "kubespray", "-o", "out"], directory: dir.path)
        #expect(kept.status == 0 && kept.stderr.isEmpty, "\(kept.stderr)")
        #expect(try runProcess(TestPaths.binary, ["build", "--strict", "-o", "out"], directory: dir.path).status == 1)
    }

    /// The serial comes from the day (SOURCE_DATE_EPOCH when set) and from the zone the build
    /// replaces: a rebuild of the same site on a later day writes the same bytes.
    @Test func zoneSerialsSurviveRebuilds() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        func build(on epoch: Int) throws -> String {
            let result = try runProcess(TestPaths.binary, ["build", lacave, "--target", "bind-zone", "-o", out],
                                        environment: ["SOURCE_DATE_EPOCH": String(epoch)])
            #expect(result.status == 0, "\(result.stderr)")
            return try String(contentsOfFile: out + "/bind/db.lacave.info", encoding: .utf8)
        }
        let first = try build(on: 1_795_392_000)  // 2026-11-23
        #expect(first.contains("\t2026112300\t; serial\n"))
        #expect(try build(on: 1_795_392_000 + 40 * 86_400) == first)
        // Another output directory has no previous zone: the serial is the day's first.
        let other = try runProcess(TestPaths.binary, ["build", lacave, "--target", "bind-zone", "-o", dir.file("other")],
                                   environment: ["SOURCE_DATE_EPOCH": String(1_795_392_000 + 86_400)])
        #expect(other.status == 0)
        #expect(try String(contentsOfFile: dir.file("other/bind/db.lacave.info"), encoding: .utf8).contains("\t2026112400\t; serial\n"))
    }

    @Test func prettyJSONIsIndented() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try runProcess(TestPaths.binary, ["build", lacave, "--pretty", "-o", dir.file("out")])
        let text = try String(contentsOfFile: dir.file("out/ignition/kube01.ign"), encoding: .utf8)
        #expect(text.hasPrefix("{\n  \"ignition\": {\n    \"version\": \"3.4.0\"\n  },\n"))
    }

    /// A broken site leaves the previous output exactly as it was.
    @Test func brokenSiteLeavesOutputUntouched() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let first = try runProcess(TestPaths.binary, ["build", lacave, "-o", dir.file("out")])
        #expect(first.status == 0)
        let before = try String(contentsOfFile: dir.file("out/SHA512SUMS"), encoding: .utf8)
        let source = try String(contentsOfFile: lacave, encoding: .utf8)
        try dir.write("site.yaml", source.replacingOccurrences(of: "address: 192.168.1.22", with: "address: 192.168.1.21"))
        let second = try runProcess(TestPaths.binary, ["build", dir.file("site.yaml"), "-o", dir.file("out")])
        #expect(second.status == 1)
        #expect(second.stderr.contains("error: address 192.168.1.21 is used twice"))
        #expect(try String(contentsOfFile: dir.file("out/SHA512SUMS"), encoding: .utf8) == before)
        let verify = try runProcess("/usr/bin/env", ["sha512sum", "--quiet", "-c", "SHA512SUMS"], directory: dir.file("out"))
        #expect(verify.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["out", "site.yaml"])
    }

    @Test func buildRefusesAForeignDirectory() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: false)
        try dir.write("out/notes.txt", "mine\n")
        let result = try runProcess(TestPaths.binary, ["build", lacave, "-o", dir.file("out")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("was not written by igncc"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("out")) == ["notes.txt"])
    }

    @Test func missingSiteFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let result = try runProcess(TestPaths.binary, ["check"], directory: dir.path)
        #expect(result.status == 1)
        #expect(result.stderr == "error: cannot read site file 'site.yaml': no such file or directory\n1 error generated.\n")
    }
}
