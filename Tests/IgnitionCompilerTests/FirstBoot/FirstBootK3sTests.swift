import Foundation
import Testing
@testable import IgnitionCompiler

/// A k3s node's first boot, for real: `Fixtures/firstboot-k3s/site.yaml` (a Fedora CoreOS server,
/// a Flatcar agent) built with `igncc build --assets DIR` where DIR holds the kit's boot images and
/// stand-in k3s files at the default layout, the same DIR served by `igncc serve --assets`. Each
/// host PXE-boots on QEMU's user network; Debian's Ignition 2.14 fetches `/assets/k3s/…` during
/// its files stage and checks the sha256 the config pins. See the README's "Proof: a first boot
/// in QEMU".
@Suite(.serialized) struct FirstBootK3sTests {
    static let version = "v1.33.4+k3s1"

    private func kit() throws -> BootKit {
        try BootTools.require()
        return try BootKit.shared.get()
    }

    /// The k3s file of `os`, relative to the assets folder (`k3s/<version>/k3s`,
    /// `k3s/k3s-<version>-x86-64.raw`).
    private func relativePath(_ os: OperatingSystem) -> String {
        String(K3sIgnition.defaultPath(os, version: Self.version).dropFirst("assets/".count))
    }

    /// The fixture built for a server on `port`: its assets folder holds the kit's images and
    /// `fakeK3sFile`s, and is both the build's `--assets` and igncc serve's.
    private func build(port: Int, kit: BootKit) throws -> (site: FirstBootTests.BuiltSite, assets: String) {
        var assets = ""
        let site = try FirstBootTests.BuiltSite(port: port, fixture: "firstboot-k3s") { directory in
            assets = try FirstBootTests.BuiltSite.assets(kit: kit, in: directory)
            for os in OperatingSystem.allCases {
                let path = assets + "/" + relativePath(os)
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(fakeK3sFile(os, version: Self.version)).write(to: URL(fileURLWithPath: path))
            }
            return assets
        }
        return (site, assets)
    }

    /// What a PXE boot of `host` left: the run, the disk, the server's log, and the URL → bytes
    /// of the k3s files as served (read from the assets folder after the boot).
    private struct Boot {
        var run: BootRun
        var disk: String
        var site: FirstBootTests.BuiltSite
        var log: String
        var servedPaths: [String]
        var served: [String: [UInt8]]
        var assets: String
    }

    /// Builds the fixture, lets `tamper` change the assets folder after the build, serves it with
    /// `igncc serve --assets` and PXE-boots `host`.
    private func pxe(host: String, mac: String, tamper: (String) throws -> Void = { _ in }) throws -> Boot {
        let kit = try kit()
        let port = try freePort()
        let (site, assets) = try build(port: port, kit: kit)
        try tamper(assets)
        let server = try IgnccServeBootServer(out: site.out, assets: assets, port: port, logPath: site.directory.file("serve.log"))
        let disk = site.directory.file("pxe-k3s-\(host).img")
        try BootKit.makeDisk(disk)
        let machine = VirtualMachine(firmware: .network, disk: disk,
                                     nics: [.init(mac: mac, attachment: .user(bootfile: server.bootURL))])
        let run = try machine.boot(kit: kit, console: site.directory.file("pxe-k3s-\(host).console"))
        print("first boot pxe-k3s-\(host): \(String(format: "%.1f", run.seconds)) s (\(VirtualMachine.accelerator))")
        server.stop()
        var served: [String: [UInt8]] = [:]
        for os in OperatingSystem.allCases {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: assets + "/" + relativePath(os)))
            served["http://10.0.2.2:\(port)/assets/" + relativePath(os)] = Array(bytes)
        }
        return Boot(run: run, disk: disk, site: site, log: server.log, servedPaths: server.servedPaths(), served: served, assets: assets)
    }

    /// The k3s file the host's config fetches: its path on the disk and its URL, with the hash pinned.
    private func remoteFile(_ config: String) throws -> (path: String, url: String, hash: String) {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: config))) as? [String: Any])
        let files = try #require((json["storage"] as? [String: Any])?["files"] as? [[String: Any]])
        let remote = files.filter { (($0["contents"] as? [String: Any])?["source"] as? String)?.hasPrefix("http") == true }
        try #require(remote.count == 1, "\(config): \(remote.count) remote files")
        let contents = try #require(remote[0]["contents"] as? [String: Any])
        let hash = try #require((contents["verification"] as? [String: Any])?["hash"] as? String)
        return (try #require(remote[0]["path"] as? String), try #require(contents["source"] as? String), hash)
    }

    /// The disk holds everything the config says, the k3s file with the served bytes among it.
    private func expectApplied(_ boot: Boot, host: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        try #require(boot.run.succeeded, "the boot did not get through Ignition:\n\(boot.run.tail)", sourceLocation: sourceLocation)
        let report = try ConfigOnDisk(configFile: boot.site.config(host), disk: DiskReader(image: boot.disk), served: boot.served).compare()
        #expect(report.problems == [], sourceLocation: sourceLocation)
        #expect(report.checked["remote files"] == 1, "\(report.checked)", sourceLocation: sourceLocation)
        // The engine fetched the k3s file from igncc serve, which answered 200.
        let (_, url, _) = try remoteFile(boot.site.config(host))
        let path = String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        #expect(boot.servedPaths.contains(path), "igncc serve's log lacks 200 for \(path):\n\(boot.log)", sourceLocation: sourceLocation)
    }

    /// The token and config.yaml, 0600 root, the token equal to the file beside site.yaml.
    private func expectK3sLayer(_ boot: Boot, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let disk = DiskReader(image: boot.disk)
        for path in ["/etc/rancher/k3s/config.yaml", "/etc/rancher/k3s/token"] {
            let inode = try disk.stat(path)
            #expect(inode?.type == "regular" && inode?.mode == 0o600 && inode?.uid == 0 && inode?.gid == 0,
                    "\(path): \(String(describing: inode))", sourceLocation: sourceLocation)
        }
        let token = try String(contentsOfFile: boot.site.directory.file("k3s-token"), encoding: .utf8)
        #expect(token.count == 65, sourceLocation: sourceLocation)
        #expect(try disk.contents("/etc/rancher/k3s/token") == token, sourceLocation: sourceLocation)
    }

    @Test func pxeFedoraCoreOSServerInstallsTheServedK3sBinary() throws {
        let boot = try pxe(host: "coreos", mac: "52:54:00:12:34:01")
        defer { boot.site.directory.remove() }
        try expectApplied(boot, host: "coreos")
        try expectK3sLayer(boot)
        let disk = DiskReader(image: boot.disk)
        let binary = try disk.stat("/usr/local/bin/k3s")
        #expect(binary?.type == "regular" && binary?.mode == 0o755, "\(String(describing: binary))")
        #expect(try disk.contents("/usr/local/bin/k3s") == String(decoding: fakeK3sFile(.fcos, version: Self.version), as: UTF8.self))
        // The site has a VIP: the server got kube-vip's manifest; its unit is enabled by preset.
        let manifest = try disk.stat("/var/lib/rancher/k3s/server/manifests/kube-vip.yaml")
        #expect(manifest?.type == "regular" && manifest?.mode == 0o600)
        #expect(try disk.contents("/var/lib/rancher/k3s/server/manifests/kube-vip.yaml").contains("10.0.2.20"))
        #expect(try disk.contents("/etc/systemd/system-preset/20-ignition.preset").split(separator: "\n").contains("enable k3s.service"))
        #expect(try disk.contents("/etc/rancher/k3s/config.yaml").contains("cluster-init: true"))
    }

    @Test func pxeFlatcarAgentInstallsTheServedSysext() throws {
        let boot = try pxe(host: "flatcar", mac: "52:54:00:12:34:02")
        defer { boot.site.directory.remove() }
        try expectApplied(boot, host: "flatcar")
        try expectK3sLayer(boot)
        #expect(boot.run.console.contains("GET http://10.0.2.2:"), "\(boot.run.tail)")
        let disk = DiskReader(image: boot.disk)
        let image = "/opt/extensions/k3s/k3s-\(Self.version)-x86-64.raw"
        #expect(try disk.contents(image) == String(decoding: fakeK3sFile(.flatcar, version: Self.version), as: UTF8.self))
        #expect(try disk.stat("/etc/extensions/k3s.raw")?.linkTarget == image)
        #expect(try disk.stat("/etc/systemd/system/multi-user.target.wants/k3s-agent.service")?.linkTarget
                == "/usr/local/lib/systemd/system/k3s-agent.service")
        #expect(try disk.stat("/var/lib/rancher/k3s/server/manifests/kube-vip.yaml") == nil, "an agent gets no kube-vip manifest")
        #expect(try disk.contents("/etc/rancher/k3s/config.yaml").contains("server: https://"))
    }

    /// The negative control: the served binary is not what the build hashed. The engine refuses
    /// it in its files stage, and no k3s binary lands on the disk.
    @Test func pxeRefusesAK3sBinaryThatDiffersFromTheBuildsHash() throws {
        let changed = Array("not the file igncc hashed\n".utf8)
        let boot = try pxe(host: "coreos", mac: "52:54:00:12:34:01") { assets in
            try Data(changed).write(to: URL(fileURLWithPath: assets + "/" + relativePath(.fcos)))
        }
        defer { boot.site.directory.remove() }
        #expect(!boot.run.timedOut, "\(boot.run.tail)")
        #expect(!boot.run.succeeded)
        #expect(boot.run.initLines.contains("FAILED: ignition --stage=files exited 1"), "\(boot.run.tail)")
        let (path, url, hash) = try remoteFile(boot.site.config("coreos"))
        // Ignition's own message names both digests: the one of the bytes served, the one pinned.
        let calculated: String
        switch K3sArtifacts.hash(boot.assets + "/" + relativePath(.fcos)) {
        case .success(let hex): calculated = hex
        case .failure(let failure): throw BootHarnessError("cannot hash the changed binary: \(failure.text)")
        }
        let expected = String(hash.dropFirst("sha256-".count))
        #expect(calculated != expected)
        #expect(boot.run.console.contains("hash verification failed (calculated \(calculated) but expected \(expected))"),
                "\(boot.run.tail)")
        #expect(boot.served[url] == changed)
        #expect(try DiskReader(image: boot.disk).stat(path) == nil)
    }
}
