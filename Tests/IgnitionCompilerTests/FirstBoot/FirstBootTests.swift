import Foundation
import Testing
@testable import IgnitionCompiler

/// The first boot, for real: a QEMU VM runs Debian's Ignition (2.14, spec 3.3.0 at most) against
/// what igncc wrote or served, and the test reads what landed on the VM's disk with debugfs.
/// The kit (scripts/boot/kit) is made of Debian's packages; TCG unless `ACCEL=kvm`. See the
/// README's "Proof: a first boot in QEMU".
@Suite(.serialized) struct FirstBootTests {
    /// The test site, built for a server on `port` (its `serve.base_url` names QEMU's host
    /// address, 10.0.2.2, and that port) at `ignitionVersion`.
    struct BuiltSite {
        let directory: TemporaryDirectory
        var out: String { directory.file("out") }
        func config(_ host: String) -> String { out + "/ignition/\(host).ign" }

        /// `fixture` names a folder of Fixtures holding a site.yaml; `buildAssets`, when given,
        /// is the `--assets` folder of the build (as a user builds a site whose hashes come from
        /// the files `igncc serve --assets` serves).
        init(port: Int = 8080, ignitionVersion: String = "3.3.0", fixture: String = "firstboot",
             buildAssets: ((TemporaryDirectory) throws -> String)? = nil) throws {
            directory = try TemporaryDirectory()
            let fixture = TestPaths.fixtures.appendingPathComponent("\(fixture)/site.yaml").path
            let text = try String(contentsOfFile: fixture, encoding: .utf8)
            let site = text.replacingOccurrences(of: "http://10.0.2.2:8080", with: "http://10.0.2.2:\(port)")
                .replacingOccurrences(of: "ignition_version: 3.3.0", with: "ignition_version: \(ignitionVersion)")
            try directory.write("site.yaml", site)
            let assets = try buildAssets?(directory)
            let result = try runProcess(TestPaths.binary, ["build", directory.file("site.yaml"), "-o", out]
                                        + (assets.map { ["--assets", $0] } ?? []))
            guard result.status == 0 else { throw BootHarnessError("igncc build failed:\n\(result.stderr)") }
        }

        /// `--assets` for `igncc serve`: the kit's kernel and initramfs under the default names
        /// of `serve.images` (the kit stands in for both systems' PXE images).
        func assets(kit: BootKit) throws -> String {
            try Self.assets(kit: kit, in: directory)
        }

        /// The kit's images as `assets(kit:)` lays them out, in `directory`'s folder `assets`.
        static func assets(kit: BootKit, in directory: TemporaryDirectory) throws -> String {
            let assets = directory.file("assets")
            let names = [("fcos", "fedora-coreos-live-kernel.x86_64", kit.kernel),
                         ("fcos", "fedora-coreos-live-initramfs.x86_64.img", kit.initramfs),
                         ("flatcar", "flatcar_production_pxe.vmlinuz", kit.kernel),
                         ("flatcar", "flatcar_production_pxe_image.cpio.gz", kit.initramfs)]
            for (os, name, source) in names {
                try FileManager.default.createDirectory(atPath: "\(assets)/\(os)", withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: source, toPath: "\(assets)/\(os)/\(name)")
            }
            return assets
        }
    }

    private func kit() throws -> BootKit {
        try BootTools.require()
        return try BootKit.shared.get()
    }

    /// Boots `machine` and reports its time (the README quotes them).
    private func boot(_ name: String, _ machine: VirtualMachine, kit: BootKit, in directory: TemporaryDirectory) throws -> BootRun {
        let run = try machine.boot(kit: kit, console: directory.file("\(name).console"))
        print("first boot \(name): \(String(format: "%.1f", run.seconds)) s (\(VirtualMachine.accelerator))")
        return run
    }

    /// The disk holds what the config says, and the kargs helper got the config's arguments.
    private func expectApplied(_ run: BootRun, config: String, disk: String,
                               sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        try #require(run.succeeded, "the boot did not get through Ignition:\n\(run.tail)", sourceLocation: sourceLocation)
        let comparison = try ConfigOnDisk(configFile: config, disk: DiskReader(image: disk))
        let report = try comparison.compare()
        #expect(report.problems == [], sourceLocation: sourceLocation)
        // The fixture's config has each kind: nothing above passed for want of something to compare.
        for kind in ["files", "directories", "links", "users", "units"] {
            #expect((report.checked[kind] ?? 0) > 0, "no \(kind) compared", sourceLocation: sourceLocation)
        }
        let kargs = try #require(comparison.expectedKargsCall, sourceLocation: sourceLocation)
        #expect(run.recordedCalls.filter { $0.hasPrefix("ignition-kargs-helper") } == [kargs], sourceLocation: sourceLocation)
        #expect(run.recordedCalls.contains { $0.hasPrefix("setfiles ") }, sourceLocation: sourceLocation)
    }

    // MARK: fw_cfg

    /// The `-fw_cfg` argument libvirt itself makes of igncc's domain XML (qemu:///embed, no
    /// daemon): name and the file the domain names.
    private func firmwareConfig(domain: String, in directory: TemporaryDirectory) throws -> (name: String, file: String) {
        let root = directory.file("libvirt")
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        // The embedded driver runs nothing: QEMU as this user spares it re-probing QEMU's
        // capabilities for an account that cannot open /dev/kvm (minutes instead of seconds).
        try "user = \"+\(getuid())\"\ngroup = \"+\(getgid())\"\n".write(toFile: root + "/etc/qemu.conf", atomically: false, encoding: .utf8)
        let virsh = try #require(BootTools.path(of: "virsh"))
        let result = try runProcess(virsh, ["-c", "qemu:///embed?root=\(root)", "domxml-to-native", "qemu-argv", domain])
        try #require(result.status == 0, "virsh domxml-to-native failed: \(result.stderr)")
        let words = result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let index = try #require(words.firstIndex(of: "-fw_cfg"), "no -fw_cfg in \(result.stdout)")
        var fields: [String: String] = [:]
        for field in words[index + 1].split(separator: ",") {
            let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { fields[pair[0]] = pair[1] }
        }
        return (try #require(fields["name"]), try #require(fields["file"]))
    }

    /// Boots the fcos host's domain as libvirt would start it: its fw_cfg entry carries
    /// `ignition/<host>.ign` (lab.sh copies it to the file the domain names).
    private func bootFirmwareConfig(_ site: BuiltSite, kit: BootKit, name: String) throws -> (BootRun, String) {
        let entry = try firmwareConfig(domain: site.out + "/libvirt/domains/coreos.xml", in: site.directory)
        // Debian's Ignition reads exactly this entry on -platform qemu (Fedora CoreOS's name).
        #expect(entry.name == "opt/com.coreos/config")
        #expect(entry.file == "/var/lib/libvirt/images/firstboot/coreos.ign")
        let disk = site.directory.file("\(name).img")
        try BootKit.makeDisk(disk)
        let machine = VirtualMachine(firmware: .kernel(append: "console=ttyS0 ignition.platform.id=qemu rd.emergency=poweroff panic=-1"),
                                     disk: disk, firmwareConfig: [(entry.name, site.config("coreos"))])
        return (try boot(name, machine, kit: kit, in: site.directory), disk)
    }

    @Test func fwCfgAppliesTheConfigToTheDisk() throws {
        let kit = try kit()
        let site = try BuiltSite()
        defer { site.directory.remove() }
        let (run, disk) = try bootFirmwareConfig(site, kit: kit, name: "fwcfg")
        try expectApplied(run, config: site.config("coreos"), disk: disk)
        #expect(run.initLines.contains("ignition --stage=fetch-offline"))
    }

    @Test func fwCfgRefusesASpecTheEngineDoesNotKnow() throws {
        let kit = try kit()
        let site = try BuiltSite(ignitionVersion: "3.4.0")
        defer { site.directory.remove() }
        let (run, disk) = try bootFirmwareConfig(site, kit: kit, name: "fwcfg-3.4.0")
        #expect(!run.timedOut, "\(run.tail)")
        #expect(!run.succeeded)
        #expect(run.initLines.contains("FAILED: ignition --stage=fetch-offline exited 1"), "\(run.tail)")
        #expect(run.console.contains("unsupported config version"), "\(run.tail)")
        #expect(try DiskReader(image: disk).stat("/etc/hostname") == nil)
    }

    // MARK: PXE

    /// A PXE boot of `host` (its NIC `mac`) on QEMU's user network: iPXE gets `bootURL` from
    /// QEMU's DHCP server. dnsmasq in a network namespace would be another `Attachment` of the
    /// NIC; a static by-MAC layout behind nginx another `BootServer` given to `pxe`.
    private func networkBoot(_ site: BuiltSite, host: String, mac: String, bootURL: String, kit: BootKit, name: String) throws -> (BootRun, String) {
        let disk = site.directory.file("\(name).img")
        try BootKit.makeDisk(disk)
        let machine = VirtualMachine(firmware: .network, disk: disk, nics: [.init(mac: mac, attachment: .user(bootfile: bootURL))])
        return (try boot(name, machine, kit: kit, in: site.directory), disk)
    }

    /// `expected` appear in `paths` in this order (other requests may come between).
    private func inOrder(_ expected: [String], in paths: [String]) -> Bool {
        var rest = paths[...]
        for path in expected {
            guard let index = rest.firstIndex(where: { $0 == path || $0.hasPrefix(path) }) else { return false }
            rest = rest[(index + 1)...]
        }
        return true
    }

    /// A PXE first boot of `host` against the server `serve` starts for the built site (igncc
    /// serve by default), whose log must show the boot's whole sequence.
    private func pxe(host: String, mac: String, kernel: String, initrd: String, ignitionVersion: String = "3.3.0",
                     serve: (BuiltSite, _ assets: String, _ port: Int) throws -> any BootServer = { site, assets, port in
                         try IgnccServeBootServer(out: site.out, assets: assets, port: port, logPath: site.directory.file("serve.log"))
                     }) throws -> (run: BootRun, disk: String, site: BuiltSite, port: Int) {
        let kit = try kit()
        let port = try freePort()
        let site = try BuiltSite(port: port, ignitionVersion: ignitionVersion)
        let server = try serve(site, try site.assets(kit: kit), port)
        let (run, disk) = try networkBoot(site, host: host, mac: mac, bootURL: server.bootURL, kit: kit,
                                          name: "pxe-\(host)-\(ignitionVersion)")
        server.stop()
        #expect(inOrder(["/boot.ipxe", server.hostScriptPath(mac: mac, host: host), kernel, initrd, "/ignition/\(host).ign"],
                        in: server.servedPaths()),
                "the server's log lacks the PXE sequence:\n\(server.log)")
        return (run, disk, site, port)
    }

    @Test func pxeFedoraCoreOS() throws {
        let (run, disk, site, port) = try pxe(host: "coreos", mac: "52:54:00:12:34:01",
                                                 kernel: "/assets/fcos/fedora-coreos-live-kernel.x86_64",
                                                 initrd: "/assets/fcos/fedora-coreos-live-initramfs.x86_64.img")
        defer { site.directory.remove() }
        try expectApplied(run, config: site.config("coreos"), disk: disk)
        // coreos-installer's stand-in fetched the URL of the kernel arguments; the network of
        // the kernel arguments (ifname=, ip=) was applied before.
        #expect(run.initLines.contains("STAND-IN for coreos-installer: fetching coreos.inst.ignition_url http://10.0.2.2:\(port)/ignition/coreos.ign"))
        #expect(run.initLines.contains("ifname: eth0 (52:54:00:12:34:01) is now lan0"))
        #expect(run.initLines.contains("ip: 10.0.2.21/24 on lan0, gateway 10.0.2.2"))
    }

    @Test func pxeFlatcar() throws {
        let (run, disk, site, port) = try pxe(host: "flatcar", mac: "52:54:00:12:34:02",
                                                 kernel: "/assets/flatcar/flatcar_production_pxe.vmlinuz",
                                                 initrd: "/assets/flatcar/flatcar_production_pxe_image.cpio.gz")
        defer { site.directory.remove() }
        try expectApplied(run, config: site.config("flatcar"), disk: disk)
        // Ignition itself fetched ignition.config.url (fetch-offline found no config, asked for
        // the network, and the fetch stage read the URL).
        #expect(run.initLines.contains("ignition --stage=fetch"))
        #expect(run.console.contains("GET http://10.0.2.2:\(port)/ignition/flatcar.ign"), "\(run.tail)")
        #expect(run.initLines.contains("ip: 10.0.2.22/24 on lan0, gateway 10.0.2.2"))
    }

    /// The same boot as `pxeFedoraCoreOS` against nginx (README's server block) serving the
    /// static layout: iPXE fetches the tree's `boot.ipxe`, which chains to the host's by-MAC copy.
    @Test func pxeFedoraCoreOSFromNginx() throws {
        var nginx: NginxBootServer?
        let (run, disk, site, port) = try pxe(host: "coreos", mac: "52:54:00:12:34:01",
                                                 kernel: "/assets/fcos/fedora-coreos-live-kernel.x86_64",
                                                 initrd: "/assets/fcos/fedora-coreos-live-initramfs.x86_64.img",
                                                 serve: { site, _, port in
                                                     let server = try NginxBootServer(directory: site.directory, port: port)
                                                     nginx = server
                                                     return server
                                                 })
        defer { site.directory.remove() }
        try expectApplied(run, config: site.config("coreos"), disk: disk)
        #expect(run.initLines.contains("STAND-IN for coreos-installer: fetching coreos.inst.ignition_url http://10.0.2.2:\(port)/ignition/coreos.ign"))
        // The whole access log: the booted NIC's copy is boot.ipxe's first chain, so nothing was a 404.
        let server = try #require(nginx)
        #expect(server.requests().map { "\($0.status) \($0.path)" } == [
            "200 /boot.ipxe", "200 /boot.ipxe", "200 /install/by-mac/52-54-00-12-34-01.ipxe",
            "200 /assets/fcos/fedora-coreos-live-kernel.x86_64", "200 /assets/fcos/fedora-coreos-live-initramfs.x86_64.img",
            "200 /ignition/coreos.ign",
        ], "\(server.log)")
    }

    // MARK: PXE through the generated dnsmasq config

    /// The flatcar host's PXE boot on a wire of its own: a tap in a network namespace made by
    /// the test, whose server side holds 10.0.2.2 (the site's gateway and `serve.base_url`'s
    /// address), where dnsmasq runs the generated `dnsmasq/firstboot.conf` and `igncc serve`
    /// listens; QEMU's NIC, with the host's MAC, is the tap's other end. QEMU's NIC ROM is
    /// already iPXE, so the BIOS step (undionly.kpxe by TFTP) does not happen: the ROM's DHCP
    /// request carries user class `iPXE` and the config answers it with the boot URL.
    @Test func pxeFlatcarThroughTheGeneratedDnsmasqConfig() throws {
        let kit = try kit()
        let dnsmasq = try RealConsumerTests.tool("dnsmasq", package: "dnsmasq-base")
        let (host, mac) = ("flatcar", "52:54:00:12:34:02")
        let port = try freePort()
        let site = try BuiltSite(port: port)
        defer { site.directory.remove() }
        let assets = try site.assets(kit: kit)
        let config = site.out + "/dnsmasq/firstboot.conf"
        let namespace = try NetworkNamespace(tag: "pxe", address: "10.0.2.2/24")
        defer { namespace.remove() }
        let leases = site.directory.file("dnsmasq.leases")
        let dhcp = try DHCPLeaseTests.Server(namespace: namespace.name,
                                             [dnsmasq, "--no-daemon", "--conf-file=\(config)", "--interface=\(namespace.tap)",
                                              "--dhcp-leasefile=\(leases)", "--pid-file=", "--log-dhcp"],
                                             log: site.directory.file("dnsmasq.log"))
        defer { dhcp.stop() }
        let serve = try NamespacedIgnccServeBootServer(out: site.out, assets: assets, namespace: namespace, address: "10.0.2.2",
                                                       port: port, logPath: site.directory.file("serve.log"))
        defer { serve.stop() }
        let disk = site.directory.file("pxe-dnsmasq.img")
        try BootKit.makeDisk(disk)
        let machine = VirtualMachine(firmware: .network, disk: disk,
                                     nics: [.init(mac: mac, attachment: .tap(namespace: namespace.name, interface: namespace.tap))])
        let run = try boot("pxe-dnsmasq-\(host)", machine, kit: kit, in: site.directory)
        serve.stop()
        dhcp.stop()

        // dnsmasq leased the host's reserved address, under its name, to the ROM's iPXE, and sent it the boot URL.
        let leaseFile = (try? String(contentsOfFile: leases, encoding: .utf8)) ?? ""
        #expect(leaseFile.split(separator: "\n").contains { $0.split(separator: " ").dropFirst().prefix(3) == [Substring(mac), "10.0.2.22", Substring(host)] },
                "no lease for \(mac):\n\(leaseFile)\n\(dhcp.output)")
        #expect(dhcp.output.contains("DHCPACK(\(namespace.tap)) 10.0.2.22 \(mac) \(host)"), "\(dhcp.output)")
        let log = dhcp.output.split(separator: "\n")
        #expect(log.contains { $0.contains(" tags: ") && $0.contains(" ipxe,") }, "the ROM's request was not tagged ipxe:\n\(dhcp.output)")
        #expect(log.contains { $0.hasSuffix(" option: 67 bootfile-name  http://10.0.2.2:\(port)/boot.ipxe") }, "\(dhcp.output)")
        // igncc serve's log: boot.ipxe, the host's script, the images, the config.
        #expect(inOrder(["/boot.ipxe", serve.hostScriptPath(mac: mac, host: host), "/assets/flatcar/flatcar_production_pxe.vmlinuz",
                         "/assets/flatcar/flatcar_production_pxe_image.cpio.gz", "/ignition/\(host).ign"], in: serve.servedPaths()),
                "the server's log lacks the PXE sequence:\n\(serve.log)")
        try expectApplied(run, config: site.config(host), disk: disk)
        #expect(run.console.contains("GET http://10.0.2.2:\(port)/ignition/\(host).ign"), "\(run.tail)")
        #expect(run.initLines.contains("ip: 10.0.2.22/24 on lan0, gateway 10.0.2.2"))
    }

    @Test func pxeRefusesASpecTheEngineDoesNotKnow() throws {
        let (run, disk, site, _) = try pxe(host: "flatcar", mac: "52:54:00:12:34:02",
                                              kernel: "/assets/flatcar/flatcar_production_pxe.vmlinuz",
                                              initrd: "/assets/flatcar/flatcar_production_pxe_image.cpio.gz",
                                              ignitionVersion: "3.4.0")
        defer { site.directory.remove() }
        #expect(!run.timedOut, "\(run.tail)")
        #expect(!run.succeeded)
        #expect(run.initLines.contains("FAILED: ignition --stage=fetch exited 1"), "\(run.tail)")
        #expect(run.console.contains("unsupported config version"), "\(run.tail)")
        #expect(try DiskReader(image: disk).stat("/etc/hostname") == nil)
    }
}
