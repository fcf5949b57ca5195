import Foundation
import Testing
@testable import IgnitionCompiler

/// `igncc init`: the starter it writes passes `igncc check` and builds an inventory Ansible reads
/// with an odd etcd count, for 0 to 5 MACs; without a key, `check` stops at the one line to fill in.
@Suite struct InitCommandTests {
    static let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@demo"
    static let macs = ["52:54:00:aa:00:01", "52-54-00-AA-00-02", "5254.00aa.0003", "52:54:00:aa:00:04", "52:54:00:aa:00:05"]

    /// Runs igncc with HOME in `dir` (no ~/.ssh unless the test makes one).
    static func igncc(_ arguments: [String], in dir: TemporaryDirectory) throws -> ProcessResult {
        try runProcess(TestPaths.binary, arguments, directory: dir.path, environment: ["HOME": dir.file("home")])
    }

    /// The inventory's groups as `ansible-inventory --list` reads them: group → hosts.
    static func groups(_ inventory: String, in dir: TemporaryDirectory) throws -> [String: [String]] {
        let tool = try RealConsumerTests.tool("ansible-inventory", package: "ansible-core")
        try FileManager.default.createDirectory(atPath: dir.file("home/tmp"), withIntermediateDirectories: true)
        let result = try runProcess("/usr/bin/env", ["HOME=\(dir.file("home"))", "ANSIBLE_LOCAL_TEMP=\(dir.file("home/tmp"))",
                                                    "ANSIBLE_INVENTORY_ENABLED=ini", tool, "-i", inventory, "--list"])
        #expect(result.status == 0, "\(result.stderr)")
        let listed = try KubesprayConsumerTests.object(result.stdout)
        var groups: [String: [String]] = [:]
        for (name, value) in listed where name != "_meta" {
            groups[name] = ((value as? [String: Any])?["hosts"] as? [String]) ?? []
        }
        return groups
    }

    @Test(arguments: [0, 1, 2, 3, 5])
    func starterPassesCheckAndKubesprayGroups(macCount: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("key.pub", Self.key + "\n")
        let macs = Array(Self.macs.prefix(macCount))
        // Half of them as one comma list, the rest one per --mac.
        let split = macs.count / 2
        var arguments = ["init", "site", "--ssh-key", "key.pub"]
        if split > 0 { arguments += ["--mac", macs.prefix(split).joined(separator: ",")] }
        for mac in macs.dropFirst(split) { arguments += ["--mac", mac] }
        let made = try Self.igncc(arguments, in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.hasPrefix("igncc: wrote site/site.yaml: "))
        let text = try String(contentsOfFile: dir.file("site/site.yaml"), encoding: .utf8)
        #expect(text.contains("  ssh_authorized_keys:             # from key.pub\n    - \(Self.key)\n"))

        let check = try Self.igncc(["check", "site/site.yaml"], in: dir)
        #expect(check.status == 0 && check.stderr.isEmpty, "\(check.stderr)\n\(text)")
        let hosts = max(1, macCount)
        let controlPlanes = hosts >= 3 ? 3 : 1
        let workers = hosts >= 5 ? hosts - 3 : hosts
        #expect(check.stdout == "site/site.yaml: ok, \(hosts) host\(hosts == 1 ? "" : "s") (\(controlPlanes) control plane"
                + "\(controlPlanes == 1 ? "" : "s"), \(controlPlanes) etcd, \(workers) worker\(workers == 1 ? "" : "s")), "
                + "1 network, 0 warnings\n")

        let build = try Self.igncc(["build", "site/site.yaml", "-o", "out", "--strict"], in: dir)
        #expect(build.status == 0, "\(build.stderr)")
        let groups = try Self.groups(dir.file("out/kubespray/inventory.ini"), in: dir)
        let names = (1...hosts).map { "node\($0)" }
        #expect(groups["etcd"]?.sorted() == Array(names.prefix(controlPlanes)))
        #expect(groups["kube_control_plane"]?.sorted() == Array(names.prefix(controlPlanes)))
        #expect((groups["etcd"]?.count ?? 0) % 2 == 1)
        #expect(groups["kube_node"]?.count == workers)
        // Each host got its MAC, normalized, in the order given.
        let index = try String(contentsOfFile: dir.file("out/install/hosts.json"), encoding: .utf8)
        for (i, mac) in macs.enumerated() {
            guard case .success(let parsed) = MACAddress.parse(mac) else { Issue.record("\(mac)"); continue }
            #expect(index.contains("{\"name\":\"node\(i + 1)\",\"os\":\"fcos\",\"macs\":[\"\(parsed)\"]"), "\(index)")
        }
    }

    /// Without --ssh-key, ~/.ssh's key; without one, an empty list and one error from check, at the
    /// line that says to add it.
    @Test func sshKeyFromHomeOrOneClearError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let bare = try Self.igncc(["init", "--mac", Self.macs[0]], in: dir)
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(bare.stdout.contains("igncc: no SSH key found"))
        let check = try Self.igncc(["check"], in: dir)
        #expect(check.status == 1)
        let lines = check.stderr.split(separator: "\n").map(String.init)
        let text = try String(contentsOfFile: dir.file("site.yaml"), encoding: .utf8)
        let line = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("ssh_authorized_keys: []") }) + 1
        #expect(lines.first == "site.yaml:\(line):24: error: 'defaults' has no SSH authorized keys: nothing could log in to install it")
        #expect(lines.contains { $0.contains("ssh_authorized_keys: []") && $0.contains("add your SSH key") })
        #expect(lines.last == "1 error generated.")

        try FileManager.default.createDirectory(atPath: dir.file("home/.ssh"), withIntermediateDirectories: true)
        try dir.write("home/.ssh/id_rsa.pub", "# an old one\n" + Self.key.replacingOccurrences(of: "admin@demo", with: "rsa-named@demo") + "\n")
        try dir.write("home/.ssh/id_ed25519.pub", Self.key + "\n")
        let refused = try Self.igncc(["init", "--mac", Self.macs[0]], in: dir)
        #expect(refused.status == 1)
        #expect(refused.stderr == "igncc: error: './site.yaml' exists; refusing to replace it (--force replaces it)\n")
        #expect(try String(contentsOfFile: dir.file("site.yaml"), encoding: .utf8) == text)
        let forced = try Self.igncc(["init", "--mac", Self.macs[0], "--force"], in: dir)
        #expect(forced.status == 0)
        #expect(forced.stdout == "igncc: wrote ./site.yaml: 1 host, SSH key from ~/.ssh/id_ed25519.pub\n")
        #expect(try Self.igncc(["check"], in: dir).status == 0)
        // The same arguments and key write the same bytes.
        let again = try String(contentsOfFile: dir.file("site.yaml"), encoding: .utf8)
        #expect(try Self.igncc(["init", "--mac", Self.macs[0], "--force"], in: dir).status == 0)
        #expect(try String(contentsOfFile: dir.file("site.yaml"), encoding: .utf8) == again)
    }

    @Test func refusesBadMACsAndKeys() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let bad = try Self.igncc(["init", "--mac", "52:54:00:aa:00:01,52:54:00:zz:00:02"], in: dir)
        #expect(bad.status == 64 && bad.stderr.hasPrefix("Error: --mac '52:54:00:zz:00:02' is not a MAC address (such as 52:54:00:12:34:56)\n"))
        let twice = try Self.igncc(["init", "--mac", "52:54:00:aa:00:01", "--mac", "52-54-00-AA-00-01"], in: dir)
        #expect(twice.stderr.hasPrefix("Error: --mac '52-54-00-AA-00-01' is given twice\n"))
        let multicast = try Self.igncc(["init", "--mac", "01:00:5e:00:00:01"], in: dir)
        #expect(multicast.stderr.hasPrefix("Error: --mac '01:00:5e:00:00:01' is a multicast address, which no NIC has\n"))
        try dir.write("private", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
        let secret = try Self.igncc(["init", "--ssh-key", "private"], in: dir)
        #expect(secret.status == 1)
        #expect(secret.stderr == "igncc: error: private:1: this is a private key; paste the public key (the '.pub' file) instead, and treat this one as leaked\n")
        let missing = try Self.igncc(["init", "--ssh-key", "nothing.pub"], in: dir)
        #expect(missing.stderr == "igncc: error: cannot read SSH key file 'nothing.pub': no such file or directory\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["private"])
    }
}
