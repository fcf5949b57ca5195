import Foundation
import Testing
@testable import IgnitionCompiler

/// The network path: after Ignition, the VM switches into a minimal Debian (scripts/boot/root:
/// systemd, udev, NetworkManager) whose report service prints the network once it is online.
/// The NIC must carry the name of the config's `.link` file, the config's static address, one
/// default route; NetworkManager's active profiles must be igncc's keyfiles (Fedora CoreOS), or
/// systemd-networkd must have configured the NIC (Flatcar). Both hosts' configs reach Debian's
/// Ignition by fw_cfg under the name it reads (`opt/com.coreos/config`).
extension FirstBootTests {
    /// The report's lines of one command (`igncc-report: <command>: <line>`).
    private func report(_ run: BootRun, _ command: String) -> [String] {
        run.console.split(whereSeparator: \.isNewline).compactMap { line in
            guard let range = line.range(of: "igncc-report: \(command): ") else { return nil }
            return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
    }

    /// `key=value` lines of an INI-like file (keyfile, .link, .network), section ignored.
    private func values(_ text: String, _ key: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            line.hasPrefix(key + "=") ? String(line.dropFirst(key.count + 1)) : nil
        }
    }

    /// The config's files under `directory` with `suffix`, decoded: path → text.
    private func configFiles(_ config: String, under directory: String, suffix: String) throws -> [(String, String)] {
        var diagnostics = Diagnostics()
        let node = try #require(JSONParser().parse(Array(try Data(contentsOf: URL(fileURLWithPath: config))), file: config,
                                                   diagnostics: &diagnostics))
        guard case .sequence(let files)? = node.jsonValue("storage")?.jsonValue("files")?.kind else { return [] }
        return files.compactMap { file in
            guard let path = file.jsonValue("path")?.scalar, path.hasPrefix(directory), path.hasSuffix(suffix),
                  let source = file.jsonValue("contents")?.jsonValue("source")?.scalar,
                  let bytes = DataURL.decode(source) else { return nil }
            return (path, String(decoding: bytes, as: UTF8.self))
        }
    }

    private func bootSystem(host: String, mac: String, arguments: String, name: String) throws -> (BootRun, BuiltSite) {
        try BootTools.require()
        let kit = try BootKit.shared.get()
        let root = try BootKit.debianRoot.get()
        let site = try BuiltSite()
        let disk = site.directory.file("\(name).img")
        try BootKit.makeDisk(disk, root: root)
        let machine = VirtualMachine(firmware: .kernel(append: "console=ttyS0 ignition.platform.id=qemu panic=-1 igncc.switch_root=1 " + arguments),
                                     disk: disk, nics: [.init(mac: mac, attachment: .user(bootfile: nil))],
                                     firmwareConfig: [("opt/com.coreos/config", site.config(host))])
        let run = try machine.boot(kit: kit, console: site.directory.file("\(name).console"))
        print("first boot \(name): \(String(format: "%.1f", run.seconds)) s (\(VirtualMachine.accelerator))")
        try #require(run.initLines.contains("switch_root into /dev/vda") && run.console.contains("igncc-report: done"),
                     "the booted system did not report:\n\(run.tail)")
        return (run, site)
    }

    /// The NIC of each `.link` file carries its name, with the link's MAC; the address and the
    /// only default route are `address` and `gateway`.
    private func expectNetwork(_ run: BootRun, config: String, address: String, gateway: String,
                               sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let links = try configFiles(config, under: "/etc/systemd/network/", suffix: ".link")
        #expect(!links.isEmpty, sourceLocation: sourceLocation)
        let ipLinks = report(run, "ip").filter { $0.contains("link/") }
        var names: [String] = []
        for (_, text) in links {
            let mac = try #require(values(text, "MACAddress").first, sourceLocation: sourceLocation).lowercased()
            let name = try #require(values(text, "Name").first, sourceLocation: sourceLocation)
            names.append(name)
            #expect(ipLinks.contains { $0.contains(": \(name): ") && $0.contains("link/ether \(mac) ") },
                    "no \(name) with \(mac) in \(ipLinks)", sourceLocation: sourceLocation)
        }
        let addresses = report(run, "ip").filter { $0.contains(" inet ") && !$0.contains(" lo ") }
        #expect(addresses.count == 1 && addresses.allSatisfy { $0.contains(" \(names[0]) ") && $0.contains("inet \(address) ") },
                "\(addresses)", sourceLocation: sourceLocation)
        let defaults = report(run, "ip").filter { $0.hasPrefix("default ") }
        #expect(defaults.count == 1 && defaults.allSatisfy { $0.hasPrefix("default via \(gateway) dev \(names[0]) ") },
                "\(defaults)", sourceLocation: sourceLocation)
    }

    @Test func networkPathFedoraCoreOSNetworkManager() throws {
        let (run, site) = try bootSystem(host: "coreos", mac: "52:54:00:12:34:01", arguments: "", name: "network-coreos")
        defer { site.directory.remove() }
        let keyfiles = try configFiles(site.config("coreos"), under: "/etc/NetworkManager/system-connections/", suffix: ".nmconnection")
        let (path, keyfile) = try #require(keyfiles.first)
        let address = try #require(values(keyfile, "address1").first?.split(separator: ",").map(String.init))
        try expectNetwork(run, config: site.config("coreos"), address: address[0], gateway: address[1])
        // NetworkManager's active profiles, but for its own in-memory loopback, are igncc's keyfiles.
        let active = report(run, "nmcli").filter { !$0.hasSuffix(":lo:/run/NetworkManager/system-connections/lo.nmconnection") }
        let expected = "\(try #require(values(keyfile, "id").first)):\(try #require(values(keyfile, "uuid").first)):"
            + "\(try #require(values(keyfile, "interface-name").first)):\(path)"
        #expect(keyfiles.count == 1)
        #expect(active == [expected])
    }

    @Test func networkPathFlatcarNetworkd() throws {
        // Flatcar configures its NICs with systemd-networkd: the same root, NetworkManager masked.
        let (run, site) = try bootSystem(host: "flatcar", mac: "52:54:00:12:34:02",
                                         arguments: "systemd.mask=NetworkManager.service systemd.mask=NetworkManager-wait-online.service "
                                             + "systemd.wants=systemd-networkd.service systemd.wants=systemd-networkd-wait-online.service",
                                         name: "network-flatcar")
        defer { site.directory.remove() }
        let units = try configFiles(site.config("flatcar"), under: "/etc/systemd/network/", suffix: ".network")
        let (_, unit) = try #require(units.first)
        try expectNetwork(run, config: site.config("flatcar"), address: try #require(values(unit, "Address").first),
                          gateway: try #require(values(unit, "Gateway").first))
        let links = try configFiles(site.config("flatcar"), under: "/etc/systemd/network/", suffix: ".link")
        let name = try #require(links.first.flatMap { values($0.1, "Name").first })
        #expect(report(run, "networkctl").contains { $0.split(separator: " ").map(String.init) == ["2", name, "ether", "routable", "configured"] },
                "\(report(run, "networkctl"))")
    }

    /// Negative control: the same config on a machine whose NIC has another MAC. Neither the
    /// `.link` file nor the keyfile matches it, so the NIC keeps a kernel name, the static
    /// address is nowhere and igncc's profile is not active (NetworkManager's own DHCP one is).
    @Test func networkPathLeavesAnotherMachinesNICAlone() throws {
        let (run, site) = try bootSystem(host: "coreos", mac: "52:54:00:12:34:09", arguments: "", name: "network-other-mac")
        defer { site.directory.remove() }
        let keyfiles = try configFiles(site.config("coreos"), under: "/etc/NetworkManager/system-connections/", suffix: ".nmconnection")
        let (_, keyfile) = try #require(keyfiles.first)
        let address = try #require(values(keyfile, "address1").first?.split(separator: ",").first.map(String.init))
        let uuid = try #require(values(keyfile, "uuid").first)
        let name = try #require(values(keyfile, "interface-name").first)
        #expect(report(run, "ip").contains { $0.contains("link/ether 52:54:00:12:34:09 ") })
        #expect(!report(run, "ip").contains { $0.contains(": \(name): ") || $0.contains(" \(name) ") })
        #expect(!report(run, "ip").contains { $0.contains("inet \(address) ") })
        #expect(!report(run, "nmcli").contains { $0.contains(uuid) })
        #expect(report(run, "nmcli").contains { !$0.contains(":lo:") }, "no profile at all: \(report(run, "nmcli"))")
    }
}
