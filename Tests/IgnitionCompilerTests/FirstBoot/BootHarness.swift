import Foundation
import Testing

/// A problem of the boot harness itself (a tool missing, the kit not built), with the reason.
struct BootHarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What the first boot needs on the machine. Missing tools fail the suite (scripts/install-deps
/// installs them): the proof is not skipped.
enum BootTools {
    static func require() throws {
        let tools = ["qemu-system-x86_64", "debugfs", "mkfs.ext4", "cpio", "readelf", "apt-get", "dpkg-deb", "virsh", "mmdebstrap"]
        let missing = tools.filter { path(of: $0) == nil }
        guard missing.isEmpty else {
            throw BootHarnessError("the first-boot tests need \(missing.joined(separator: ", ")): run scripts/install-deps")
        }
        for rom in ["/usr/lib/ipxe/qemu/efi-virtio.rom"] where !FileManager.default.fileExists(atPath: rom) {
            throw BootHarnessError("the first-boot tests need iPXE's ROM \(rom) (ipxe-qemu): run scripts/install-deps")
        }
    }

    /// A program on PATH or in the sbin folders a non-login PATH may lack.
    static func path(of program: String) -> String? {
        which(program) ?? ["/usr/sbin", "/sbin"].map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// scripts/boot/kit's kernel and initramfs (Debian's packages; the kit's cache makes the second
/// run instant).
struct BootKit: Sendable {
    let kernel: String
    let initramfs: String

    /// Built once per test process.
    static let shared: Result<BootKit, BootHarnessError> = {
        do {
            let script = TestPaths.packageRoot.appendingPathComponent("scripts/boot/kit").path
            let result = try runProcess(script, [])
            guard result.status == 0 else { return .failure(BootHarnessError("scripts/boot/kit failed:\n\(result.stderr)")) }
            let directory = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            return .success(BootKit(kernel: directory + "/vmlinuz", initramfs: directory + "/initramfs.img"))
        } catch {
            return .failure(BootHarnessError("scripts/boot/kit did not run: \(error)"))
        }
    }()

    /// scripts/boot/root's Debian root (systemd, udev, NetworkManager, the report service),
    /// made once per test process (mmdebstrap; cached beside the kit).
    static let debianRoot: Result<String, BootHarnessError> = {
        do {
            let result = try runProcess(TestPaths.packageRoot.appendingPathComponent("scripts/boot/root").path, [])
            guard result.status == 0 else { return .failure(BootHarnessError("scripts/boot/root failed:\n\(result.stderr)")) }
            return .success(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            return .failure(BootHarnessError("scripts/boot/root did not run: \(error)"))
        }
    }()

    /// A fresh disk for one boot (scripts/boot/disk: ext4 labelled root, accounts files), or
    /// a copy of `root` (a system to switch_root into).
    static func makeDisk(_ path: String, root: String? = nil) throws {
        let script = TestPaths.packageRoot.appendingPathComponent("scripts/boot/disk").path
        let result = try runProcess(script, root.map { [path, "1G", $0] } ?? [path])
        guard result.status == 0 else { throw BootHarnessError("scripts/boot/disk failed:\n\(result.stderr)") }
    }
}

/// One QEMU virtual machine, booted once: its console is the serial port, written to a file.
struct VirtualMachine {
    /// How the machine starts.
    enum Firmware {
        /// QEMU loads the kit's kernel and initramfs with these arguments (no network boot).
        case kernel(append: String)
        /// The BIOS boots the first NIC's iPXE ROM, which gets its boot file over DHCP.
        case network
    }

    /// Where a NIC is plugged.
    enum Attachment {
        /// QEMU's user network (10.0.2.0/24; the host is 10.0.2.2, its DNS 10.0.2.3); its DHCP
        /// server hands out `bootfile` (iPXE fetches it by HTTP).
        case user(bootfile: String?)
        /// The tap device `interface` of the network namespace `namespace` (QEMU then runs in
        /// that namespace): whatever serves DHCP and HTTP there answers the VM.
        case tap(namespace: String, interface: String)
    }

    struct NIC {
        var mac: String
        var attachment: Attachment
    }

    var firmware: Firmware
    var disk: String
    var nics: [NIC] = []
    /// `-fw_cfg name=…,file=…` entries.
    var firmwareConfig: [(name: String, file: String)] = []
    var memoryMiB = 1024

    /// The accelerator: TCG unless `ACCEL` says otherwise (`ACCEL=kvm` where /dev/kvm runs a
    /// stock kernel).
    static var accelerator: String { ProcessInfo.processInfo.environment["ACCEL"] ?? "tcg" }

    /// Seconds a boot may take before QEMU is killed (`IGNCC_BOOT_TIMEOUT`, default 600).
    static var timeout: Double { Double(ProcessInfo.processInfo.environment["IGNCC_BOOT_TIMEOUT"] ?? "") ?? 600 }

    func arguments(kit: BootKit, console: String) -> [String] {
        var arguments = ["-machine", "q35,accel=\(Self.accelerator)", "-m", "\(memoryMiB)", "-smp", "1",
                         "-display", "none", "-monitor", "none", "-no-reboot", "-serial", "file:\(console)",
                         "-drive", "file=\(disk),format=raw,if=virtio"]
        if Self.accelerator == "kvm" { arguments += ["-cpu", "host"] }
        switch firmware {
        case .kernel(let append): arguments += ["-kernel", kit.kernel, "-initrd", kit.initramfs, "-append", append]
        case .network: arguments += ["-boot", "n"]
        }
        if nics.isEmpty { arguments += ["-nic", "none"] }
        for (index, nic) in nics.enumerated() {
            switch nic.attachment {
            case .user(let bootfile):
                arguments += ["-netdev", "user,id=n\(index)" + (bootfile.map { ",bootfile=\($0)" } ?? ""),
                              "-device", "virtio-net-pci,netdev=n\(index),mac=\(nic.mac)"]
            case .tap(_, let interface):
                arguments += ["-netdev", "tap,id=n\(index),ifname=\(interface),script=no,downscript=no",
                              "-device", "virtio-net-pci,netdev=n\(index),mac=\(nic.mac)"]
            }
        }
        for entry in firmwareConfig { arguments += ["-fw_cfg", "name=\(entry.name),file=\(entry.file)"] }
        return arguments
    }

    /// Boots until the machine powers itself off, or kills it after `timeout` seconds.
    func boot(kit: BootKit, console: String) throws -> BootRun {
        guard let qemu = BootTools.path(of: "qemu-system-x86_64") else { throw BootHarnessError("no qemu-system-x86_64") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: qemu)
        process.arguments = arguments(kit: kit, console: console)
        // A tap belongs to a network namespace: QEMU opens it there (`ip netns exec` execs QEMU,
        // so the process is QEMU's own).
        let namespaces = Set(nics.compactMap { nic -> String? in
            if case .tap(let namespace, _) = nic.attachment { return namespace }
            return nil
        })
        if let namespace = namespaces.first {
            guard namespaces.count == 1 else { throw BootHarnessError("taps in several network namespaces: \(namespaces.sorted())") }
            process.executableURL = URL(fileURLWithPath: NetworkNamespace.ip)
            process.arguments = ["netns", "exec", namespace, qemu] + (process.arguments ?? [])
        }
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(start) > Self.timeout {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(200_000)
        }
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let text = (try? String(contentsOfFile: console, encoding: .utf8)) ?? ""
        return BootRun(console: text, seconds: Date().timeIntervalSince(start), timedOut: timedOut,
                       status: process.terminationStatus, qemuErrors: stderr)
    }
}

/// What one boot left: the serial console and how it ended.
struct BootRun {
    var console: String
    var seconds: Double
    var timedOut: Bool
    var status: Int32
    var qemuErrors: String

    /// The init's own lines (`igncc-boot: …`), without the prefix.
    var initLines: [String] {
        console.split(whereSeparator: \.isNewline).compactMap { line in
            guard let range = line.range(of: "igncc-boot: ") else { return nil }
            return String(line[range.upperBound...])
        }
    }

    /// The calls the kit's stubs recorded (`ignition-kargs-helper …`, `setfiles …`).
    var recordedCalls: [String] { initLines.filter { $0.hasPrefix("call: ") }.map { String($0.dropFirst(6)) } }

    /// The init got through every Ignition stage and powered the machine off.
    var succeeded: Bool { !timedOut && initLines.contains("ignition done") && initLines.last == "power-off" }

    /// The console's last lines, for a failure's message.
    var tail: String {
        let lines = console.split(whereSeparator: \.isNewline)
        return "qemu exited \(status)\(timedOut ? " (killed after \(Int(seconds)) s)" : "") \(qemuErrors)\n"
            + lines.suffix(40).joined(separator: "\n")
    }
}

/// An ext4 image read with debugfs (no mounting).
struct DiskReader {
    struct Inode: Equatable {
        var type: String
        var mode: Int
        var uid: Int
        var gid: Int
        var linkTarget: String?
    }

    let image: String

    private func debugfs(_ request: String) throws -> ProcessResult {
        guard let tool = BootTools.path(of: "debugfs") else { throw BootHarnessError("no debugfs") }
        return try runProcess(tool, ["-R", request, image], environment: ["DEBUGFS_PAGER": "__none__", "PAGER": "cat"])
    }

    /// The inode at `path`, or nil when there is none.
    func stat(_ path: String) throws -> Inode? {
        let output = try debugfs("stat \"\(path)\"").stdout
        guard let head = output.split(separator: "\n").first(where: { $0.hasPrefix("Inode:") }),
              let owner = output.split(separator: "\n").first(where: { $0.hasPrefix("User:") }) else { return nil }
        func field(_ line: Substring, _ name: String) -> String? {
            let words = line.split(separator: " ")
            guard let index = words.firstIndex(of: Substring(name + ":")), index + 1 < words.count else { return nil }
            return String(words[index + 1])
        }
        guard let type = field(head, "Type"), let mode = field(head, "Mode").flatMap({ Int($0, radix: 8) }),
              let uid = field(owner, "User").flatMap({ Int($0) }), let gid = field(owner, "Group").flatMap({ Int($0) }) else {
            throw BootHarnessError("debugfs stat \(path): unexpected output\n\(output)")
        }
        var target: String?
        if type == "symlink" {
            guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Fast link dest: \"") }), line.hasSuffix("\"") else {
                throw BootHarnessError("debugfs stat \(path): a symbolic link without a fast link target\n\(output)")
            }
            target = String(line.dropFirst("Fast link dest: \"".count).dropLast())
        }
        return Inode(type: type, mode: mode, uid: uid, gid: gid, linkTarget: target)
    }

    /// The bytes of the file at `path`, as text.
    func contents(_ path: String) throws -> String {
        try debugfs("cat \"\(path)\"").stdout
    }
}
