import Foundation
import Glibc
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// What dnsmasq and Kea do with igncc's files: each server runs in a network namespace made by
/// the test, on one end of a veth pair, and busybox's DHCP client (`udhcpc`), in a second
/// namespace on the other end with a host's MAC, takes a lease and prints what it was given: the
/// reserved address and name, the router, DNS servers, domain and search list, the boot file (as
/// BIOS and UEFI firmware and as iPXE ask), and for BIOS and UEFI the file itself by TFTP from
/// dnsmasq. Needs root (network namespaces); Debian's dnsmasq-base, kea-dhcp4-server, busybox,
/// iproute2 and ipxe (`scripts/install-deps` installs them).
@Suite(.serialized) struct DHCPLeaseTests {
    /// DHCPConfigTests' site: lan (10.0.0.0/24) with a pool and PXE through 10.0.0.2, storage
    /// (10.9.0.0/24) with reservations only, no gateway, no DNS, no PXE.
    static func site() throws -> Site { try compile(DHCPConfigTests.site) }

    /// The two namespaces and the veth pair between them; `remove()` deletes them (and the pair).
    struct Link {
        static let ip = "/usr/sbin/ip"
        let server: String, client: String
        let serverInterface: String, clientInterface: String

        /// Names unique to this process and `tag` (interface names have at most 15 characters).
        init(tag: String) throws {
            let id = Int(getpid()) % 10_000_000
            server = "igncc-\(id)-\(tag)-srv"
            client = "igncc-\(id)-\(tag)-cli"
            serverInterface = "ig\(id)\(tag)s"
            clientInterface = "ig\(id)\(tag)c"
            let made = try runProcess(Self.ip, ["netns", "add", server])
            try #require(made.status == 0, "the live DHCP tests make network namespaces, which needs root (CAP_SYS_ADMIN): ip netns add: \(made.stderr)")
            try Self.run(["netns", "add", client])
            try Self.run(["link", "add", serverInterface, "type", "veth", "peer", "name", clientInterface])
            try Self.run(["link", "set", serverInterface, "netns", server])
            try Self.run(["link", "set", clientInterface, "netns", client])
            try Self.run(["-n", server, "link", "set", "lo", "up"])
            try Self.run(["-n", server, "link", "set", serverInterface, "up"])
            try Self.run(["-n", client, "link", "set", clientInterface, "up"])
        }

        func remove() {
            for namespace in [server, client] { _ = try? runProcess(Self.ip, ["netns", "del", namespace]) }
        }

        /// The server's only address: `address/prefix`.
        func setServerAddress(_ address: String) throws {
            try Self.run(["-n", server, "addr", "flush", "dev", serverInterface])
            try Self.run(["-n", server, "addr", "add", address, "dev", serverInterface])
        }

        /// The client's MAC: the NIC of the host the test plays.
        func setClientMAC(_ mac: String) throws {
            try Self.run(["-n", client, "link", "set", clientInterface, "down"])
            try Self.run(["-n", client, "link", "set", clientInterface, "address", mac])
            try Self.run(["-n", client, "link", "set", clientInterface, "up"])
        }

        @discardableResult
        static func run(_ arguments: [String]) throws -> ProcessResult {
            let result = try runProcess(ip, arguments)
            try #require(result.status == 0, "ip \(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }
    }

    /// A server started in the server namespace, its output in `log`; `stop()` ends it. Spawned
    /// directly, not with Foundation's Process: the test's threads block most signals, and a
    /// child inherits that mask (dnsmasq would never see SIGTERM); here it starts with none
    /// blocked, its standard input /dev/null.
    final class Server {
        let pid: pid_t
        let log: String
        private var stopped = false

        convenience init(_ link: Link, _ command: [String], log: String, environment: [String: String] = [:]) throws {
            try self.init(namespace: link.server, command, log: log, environment: environment)
        }

        /// `command` in the network namespace `namespace` (FirstBootTests' tap has one too).
        init(namespace: String, _ command: [String], log: String, environment: [String: String] = [:]) throws {
            self.log = log
            // `ip netns exec` execs the command: the pid is the server's.
            let argv = [Link.ip, "netns", "exec", namespace] + command
            let env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }.map { "\($0.key)=\($0.value)" }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t(), defaults = sigset_t()
            sigemptyset(&none)
            sigfillset(&defaults)
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            var pid: pid_t = 0
            let status = withCStrings(argv) { cArgv in
                withCStrings(env) { cEnv in posix_spawn(&pid, Link.ip, &actions, &attributes, cArgv, cEnv) }
            }
            try #require(status == 0, "cannot start \(command[0]): \(String(cString: strerror(status)))")
            self.pid = pid
        }

        /// SIGTERM, then the exit (SIGKILL after 10 seconds).
        func stop() {
            guard !stopped else { return }
            stopped = true
            kill(pid, SIGTERM)
            var status: Int32 = 0
            for _ in 0..<100 {
                let reaped = waitpid(pid, &status, WNOHANG)
                if reaped == pid || (reaped < 0 && errno == ECHILD) { return }
                usleep(100_000)
            }
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
        }

        var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    }

    /// What the client was given (udhcpc's variables at `bound`), or nil when no server offered a lease.
    static func lease(_ link: Link, mac: String, options: [String] = [], script: String) throws -> [String: String]? {
        try link.setClientMAC(mac)
        let busybox = try RealConsumerTests.tool("busybox", package: "busybox")
        // Up to 8 discovers a second apart: the server may still be starting.
        let result = try runProcess(Link.ip, ["netns", "exec", link.client, busybox, "udhcpc", "-f", "-q", "-n", "-t", "8", "-T", "1",
                                              "-i", link.clientInterface, "-s", script, "-O", "search"] + options)
        guard result.status == 0 else { return nil }
        var values: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("lease.") {
            let pair = line.dropFirst(6).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair.count == 2 { values[String(pair[0])] = String(pair[1]) }
        }
        return values
    }

    /// udhcpc's event script: prints each variable of a `bound` event as `lease.NAME=VALUE`.
    static func writeScript(_ dir: TemporaryDirectory) throws -> String {
        let path = dir.file("udhcpc.sh")
        try dir.write("udhcpc.sh", """
            #!/bin/sh
            [ "$1" = bound ] || exit 0
            for name in ip subnet router dns domain search hostname lease siaddr boot_file; do
                eval "value=\\${$name-}"
                [ -n "$value" ] && echo "lease.$name=$value"
            done
            exit 0

            """)
        chmod(path, 0o755)
        return path
    }

    /// What real firmware sends (RFC 4578's client architecture, and PXE's vendor class), and iPXE's user class.
    static let bios = ["-x", "0x5d:0000", "-V", "PXEClient:Arch:00000:UNDI:002001"]
    static let uefi = ["-x", "0x5d:0007", "-V", "PXEClient:Arch:00007:UNDI:003016"]
    static let ipxe = ["-x", "0x4d:69505845", "-x", "0x5d:0007", "-V", "PXEClient:Arch:00007:UNDI:003016"]

    /// The lan leases both servers must give: node1's reservation with every option, node2's
    /// second NIC under its zone name, a machine the site does not know from the pool, and each
    /// kind of boot client its boot file (with dnsmasq's own address as the TFTP server's).
    static func checkLan(_ link: Link, script: String, server: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> (bios: [String: String], uefi: [String: String]) {
        let plain = try #require(try lease(link, mac: "52:54:00:00:01:21", script: script), "no lease: \(server)", sourceLocation: sourceLocation)
        #expect(plain == ["ip": "10.0.0.21", "subnet": "255.255.255.0", "router": "10.0.0.1", "dns": "10.0.0.2 10.0.0.3",
                          "domain": "rack.example", "search": "rack.example example.org", "hostname": "node1", "lease": "5400",
                          "siaddr": "10.0.0.2"], "\(server)", sourceLocation: sourceLocation)
        let bios = try #require(try lease(link, mac: "52:54:00:00:01:21", options: Self.bios, script: script), sourceLocation: sourceLocation)
        #expect(bios["ip"] == "10.0.0.21" && bios["boot_file"] == "undionly.kpxe" && bios["siaddr"] == "10.0.0.2",
                "\(server): \(bios)", sourceLocation: sourceLocation)
        let uefi = try #require(try lease(link, mac: "52:54:00:00:01:21", options: Self.uefi, script: script), sourceLocation: sourceLocation)
        #expect(uefi["boot_file"] == "ipxe.efi" && uefi["siaddr"] == "10.0.0.2", "\(server): \(uefi)", sourceLocation: sourceLocation)
        let ipxe = try #require(try lease(link, mac: "52:54:00:00:01:21", options: Self.ipxe, script: script), sourceLocation: sourceLocation)
        #expect(ipxe["boot_file"] == "http://10.0.0.2:8080/boot.ipxe", "\(server): \(ipxe)", sourceLocation: sourceLocation)
        let second = try #require(try lease(link, mac: "52:54:00:00:04:22", script: script), sourceLocation: sourceLocation)
        #expect(second["ip"] == "10.0.0.32" && second["hostname"] == "node2-lan", "\(server): \(second)", sourceLocation: sourceLocation)
        let stranger = try #require(try lease(link, mac: "52:54:00:aa:bb:cc", options: Self.bios, script: script), sourceLocation: sourceLocation)
        let address = try #require(IPv4Address(stranger["ip"] ?? ""), "\(server): \(stranger)", sourceLocation: sourceLocation)
        #expect(IPv4Address("10.0.0.100")! <= address && address <= IPv4Address("10.0.0.199")!, "\(server): \(stranger)", sourceLocation: sourceLocation)
        #expect(stranger["hostname"] == nil && stranger["boot_file"] == "undionly.kpxe", "\(server): \(stranger)", sourceLocation: sourceLocation)
        return (bios, uefi)
    }

    /// storage: node1's reservation without router or DNS, an infinite lease, no boot file even
    /// to PXE firmware; no pool, so a machine the site does not know gets no lease at all.
    static func checkStorage(_ link: Link, script: String, server: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let reserved = try #require(try lease(link, mac: "52:54:00:00:02:21", options: Self.bios, script: script),
                                    "no lease: \(server)", sourceLocation: sourceLocation)
        #expect(reserved["ip"] == "10.9.0.21" && reserved["hostname"] == "node1-storage" && reserved["domain"] == "rack.example",
                "\(server): \(reserved)", sourceLocation: sourceLocation)
        #expect(reserved["router"] == nil && reserved["dns"] == nil && reserved["boot_file"] == nil, "\(server): \(reserved)",
                sourceLocation: sourceLocation)
        #expect(reserved["lease"] == "4294967295", "\(server): \(reserved)", sourceLocation: sourceLocation)
        // node2's storage NIC uses DHCP: no reservation, no pool, no lease.
        #expect(try lease(link, mac: "52:54:00:00:02:22", script: script) == nil, "\(server)", sourceLocation: sourceLocation)
    }

    @Test func dnsmasqLeases() throws {
        let dnsmasq = try RealConsumerTests.tool("dnsmasq", package: "dnsmasq-base")
        let busybox = try RealConsumerTests.tool("busybox", package: "busybox")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let script = try Self.writeScript(dir)
        try OutputDirectory.write(buildAll(try Self.site(), targets: [.dnsmasq]), to: dir.file("out"))
        let config = dir.file("out/dnsmasq/rack.conf")
        let link = try Link(tag: "d")
        defer { link.remove() }
        func start(_ name: String) throws -> Server {
            try Server(link, [dnsmasq, "--no-daemon", "--conf-file=\(config)", "--interface=\(link.serverInterface)",
                              "--dhcp-leasefile=\(dir.file(name + ".leases"))", "--pid-file=", "--log-dhcp"],
                       log: dir.file(name + ".log"))
        }

        try link.setServerAddress("10.0.0.2/24")
        let lan = try start("lan")
        defer { lan.stop() }
        let (bios, uefi) = try Self.checkLan(link, script: script, server: "dnsmasq")
        // The boot files, by TFTP from the server the reply names: Debian's ipxe, byte for byte.
        try Link.run(["-n", link.client, "addr", "add", "10.0.0.21/24", "dev", link.clientInterface])
        for (reply, name) in [(bios, "undionly.kpxe"), (uefi, "ipxe.efi")] {
            let file = try #require(reply["boot_file"])
            let fetched = try runProcess(Link.ip, ["netns", "exec", link.client, busybox, "tftp", "-g", "-r", file,
                                                   "-l", dir.file("fetched-" + name), try #require(reply["siaddr"])])
            #expect(fetched.status == 0, "\(fetched.stderr)\n\(lan.output)")
            let installed = try Data(contentsOf: URL(fileURLWithPath: DHCPService.defaultTFTPRoot + "/" + name).resolvingSymlinksInPath())
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("fetched-" + name))) == installed, "\(name)")
        }
        try Link.run(["-n", link.client, "addr", "flush", "dev", link.clientInterface])
        lan.stop()

        try link.setServerAddress("10.9.0.2/24")
        let storage = try start("storage")
        defer { storage.stop() }
        try Self.checkStorage(link, script: script, server: "dnsmasq")
    }

    @Test func keaLeases() throws {
        let kea = try RealConsumerTests.tool("kea-dhcp4", package: "kea-dhcp4-server")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let script = try Self.writeScript(dir)
        try OutputDirectory.write(buildAll(try Self.site(), targets: [.kea]), to: dir.file("out"))
        let link = try Link(tag: "k")
        defer { link.remove() }
        // What the file asks its user to edit: the interface to serve; and the lease file's place,
        // here a temporary one (Kea's default is /var/lib/kea).
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.file("out/kea/kea-dhcp4.json")))
        var root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var dhcp4 = try #require(root["Dhcp4"] as? [String: Any])
        dhcp4["interfaces-config"] = ["interfaces": [link.serverInterface]]
        dhcp4["lease-database"] = ["type": "memfile", "name": dir.file("leases.csv")]
        root["Dhcp4"] = dhcp4
        try JSONSerialization.data(withJSONObject: root).write(to: URL(fileURLWithPath: dir.file("kea.json")))
        func start(_ name: String) throws -> Server {
            try Server(link, [kea, "-c", dir.file("kea.json")], log: dir.file(name + ".log"),
                       environment: ["KEA_PIDFILE_DIR": dir.path, "KEA_LOCKFILE_DIR": dir.path])
        }

        try link.setServerAddress("10.0.0.2/24")
        let lan = try start("lan")
        defer { lan.stop() }
        _ = try Self.checkLan(link, script: script, server: "kea: \(lan.output)")
        lan.stop()

        try link.setServerAddress("10.9.0.2/24")
        let storage = try start("storage")
        defer { storage.stop() }
        try Self.checkStorage(link, script: script, server: "kea")
    }
}

/// `body` with `strings` as a NULL-terminated C array (argv, envp).
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}
