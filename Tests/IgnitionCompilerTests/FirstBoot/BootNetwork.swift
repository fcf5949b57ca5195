import Foundation
import Testing

/// A network namespace made by the test, holding one tap device: the VM's wire (QEMU opens the
/// tap there, see `VirtualMachine.Attachment.tap`). The server side holds `address` on the tap;
/// what the test starts in the namespace (dnsmasq, igncc serve) answers the VM and nothing else
/// on the machine does. `remove()` deletes the tap and the namespace.
struct NetworkNamespace {
    static let ip = "/usr/sbin/ip"
    let name: String
    let tap: String

    /// Names unique to this process and `tag`; `address` is `address/prefix`.
    init(tag: String, address: String) throws {
        name = "igncc-\(getpid())-\(tag)"
        tap = "igtap0"
        let made = try runProcess(Self.ip, ["netns", "add", name])
        guard made.status == 0 else {
            throw BootHarnessError("the dnsmasq first boot makes a network namespace, which needs root (CAP_SYS_ADMIN): ip netns add: \(made.stderr)")
        }
        do {
            try run(["link", "set", "lo", "up"])
            try run(["tuntap", "add", "dev", tap, "mode", "tap"])
            try run(["addr", "add", address, "dev", tap])
            try run(["link", "set", tap, "up"])
        } catch {
            remove()
            throw error
        }
    }

    /// `ip -n NAME arguments`.
    @discardableResult
    func run(_ arguments: [String]) throws -> ProcessResult {
        let result = try runProcess(Self.ip, ["-n", name] + arguments)
        guard result.status == 0 else { throw BootHarnessError("ip -n \(name) \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result
    }

    /// The tap first (a persistent tun device), then the namespace.
    func remove() {
        _ = try? runProcess(Self.ip, ["-n", name, "tuntap", "del", "dev", tap, "mode", "tap"])
        _ = try? runProcess(Self.ip, ["netns", "del", name])
    }

    /// The HTTP status of GET `url` from inside the namespace (curl; 0 when nothing answered).
    func httpStatus(_ url: String) throws -> Int {
        let curl = try RealConsumerTests.tool("curl", package: "curl")
        let result = try runProcess(Self.ip, ["netns", "exec", name, curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", url])
        return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
