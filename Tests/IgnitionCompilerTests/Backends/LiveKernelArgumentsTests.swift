import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// `serve.kernel_args` and a host's `kernel_args`: what is accepted, and each rule at its position.
@Suite struct LiveKernelArgumentsTests {
    private static func withServe(_ lines: String) -> String {
        minimalSite + "serve:\n  base_url: http://boot.demo.example:8080\n" + lines
    }

    /// The kernel line of `host`'s iPXE script, built with the install target.
    private static func kernelLine(_ yaml: String, host: String = "node1") throws -> String {
        let files = buildAll(try compile(yaml, backends: Compiler.coreBackends), targets: [.ignition, .install])
        let script = try #require(files.first { $0.relativePath == "install/ipxe/\(host).ipxe" })
        let text = String(decoding: script.contents, as: UTF8.self)
        return try #require(text.split(separator: "\n").first { $0.hasPrefix("kernel ") }).description
    }

    @Test func appendedAfterIgnccsOwnArguments() throws {
        let without = try Self.kernelLine(Self.withServe(""))
        let with = try Self.kernelLine(Self.withServe("""
          kernel_args:
            - console=tty0
            - "console=ttyS0,115200n8"
            - quiet

        """))
        #expect(with == without + " console=tty0 console=ttyS0,115200n8 quiet")
        #expect(without.hasSuffix(" nameserver=192.168.1.10"))
    }

    /// A host's own list replaces the site's, `[]` included; the other hosts keep the site's.
    @Test func aHostReplacesTheSiteList() throws {
        let yaml = Self.withServe("  kernel_args: [console=tty0, \"console=ttyS0,115200n8\"]\n")
            .replacingOccurrences(of: "      - {mac: 52:54:00:00:01:21, network: lan, address: 192.168.1.21}\n", with: """
                  - {mac: 52:54:00:00:01:21, network: lan, address: 192.168.1.21}
              node2:
                roles: [worker]
                kernel_args: ["console=ttyS1,9600"]
                nics:
                  - {mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}
              node3:
                roles: [worker]
                kernel_args: []
                nics:
                  - {mac: 52:54:00:00:01:23, network: lan, address: 192.168.1.23}

            """)
        #expect(try Self.kernelLine(yaml, host: "node1").hasSuffix(":none nameserver=192.168.1.10 console=tty0 console=ttyS0,115200n8"))
        #expect(try Self.kernelLine(yaml, host: "node2").hasSuffix(":none nameserver=192.168.1.10 console=ttyS1,9600"))
        #expect(try Self.kernelLine(yaml, host: "node3").hasSuffix(":none nameserver=192.168.1.10"))
    }

    @Test func eachArgumentIsOneWordAsWritten() {
        #expect(diagnose(Self.withServe("""
          kernel_args:
            - console=tty0
            - "console=ttyS0 quiet"
            - 'a"b'
            - "tab\\there"
            - "café=1"
            - "#x"
            - "||"
            - "x=${mac}"
            - 'x\\'
            - ""
            - console=tty0

        """)) == [
            "site.yaml:23:7: error: kernel argument 'console=ttyS0 quiet' in 'serve.kernel_args' contains a space: iPXE splits the kernel line at spaces; give each argument its own item",
            "site.yaml:24:7: error: kernel argument 'a\"b' in 'serve.kernel_args' contains a quote: iPXE passes quotes on as they are and splits the line at every space, so no argument can hold a quoted space",
            "site.yaml:25:7: error: kernel argument 'tab\\there' in 'serve.kernel_args' contains a control character (U+0009)",
            "site.yaml:26:7: error: kernel argument 'café=1' in 'serve.kernel_args' contains 'é', which is not ASCII: the kernel reads its command line byte by byte, where a byte of a UTF-8 character may read as a space",
            "site.yaml:27:7: error: kernel argument '#x' in 'serve.kernel_args' starts with '#', which makes iPXE ignore the rest of the line",
            "site.yaml:28:7: error: kernel argument '||' in 'serve.kernel_args' is a word that ends iPXE's 'kernel' command",
            "site.yaml:29:7: error: kernel argument 'x=${mac}' in 'serve.kernel_args' contains '${', which iPXE replaces with one of its settings",
            "site.yaml:30:7: error: kernel argument 'x\\' in 'serve.kernel_args' ends with '\\', which makes iPXE join the next line of the script to it",
            "site.yaml:31:7: error: kernel argument '' in 'serve.kernel_args' is empty",
            "site.yaml:32:7: error: kernel argument 'console=tty0' is listed twice in 'serve.kernel_args'",
            "site.yaml:22:7: note: first listed here",
        ])
    }

    /// What igncc writes itself is refused, naming where it comes from; other options of
    /// coreos-installer too (the PXE install and install/<host>.sh install alike).
    @Test func argumentsIgnccWritesItself() {
        #expect(diagnose(Self.withServe("""
          kernel_args:
            - ip=dhcp
            - ifname=lan0:52:54:00:00:01:21
            - nameserver=1.1.1.1
            - initrd=other
            - coreos.live.rootfs_url=http://x/r.img
            - coreos.inst.install_dev=/dev/sdb
            - coreos.inst.ignition_url=http://x/y.ign
            - coreos.inst.skip_reboot
            - ignition.config.url=http://x/y.ign
            - ignition.platform.id=qemu
            - ignition.firstboot
            - flatcar.first_boot=1
            - ipv6.disable=1
            - coreos.inst=1

        """)) == [
            "site.yaml:22:7: error: kernel argument 'ip=dhcp' in 'serve.kernel_args' sets 'ip', which igncc writes itself from the NICs' 'address' (dracut's network of a static host)",
            "site.yaml:23:7: error: kernel argument 'ifname=lan0:52:54:00:00:01:21' in 'serve.kernel_args' sets 'ifname', which igncc writes itself from the NICs' 'name' and 'mac' (dracut's network of a static host)",
            "site.yaml:24:7: error: kernel argument 'nameserver=1.1.1.1' in 'serve.kernel_args' sets 'nameserver', which igncc writes itself from the network's 'dns' (dracut's network of a static host)",
            "site.yaml:25:7: error: kernel argument 'initrd=other' in 'serve.kernel_args' sets 'initrd', which igncc writes itself from 'serve.images' (the initramfs, which iPXE loads as 'main')",
            "site.yaml:26:7: error: kernel argument 'coreos.live.rootfs_url=http://x/r.img' in 'serve.kernel_args' sets 'coreos.live.rootfs_url', which igncc writes itself from 'serve.images.fcos.rootfs'",
            "site.yaml:27:7: error: kernel argument 'coreos.inst.install_dev=/dev/sdb' in 'serve.kernel_args' sets 'coreos.inst.install_dev', which igncc writes itself from the host's 'install_disk'",
            "site.yaml:28:7: error: kernel argument 'coreos.inst.ignition_url=http://x/y.ign' in 'serve.kernel_args' sets 'coreos.inst.ignition_url', which igncc writes itself from 'serve.base_url' (the host's Ignition config)",
            "site.yaml:29:7: error: kernel argument 'coreos.inst.skip_reboot' in 'serve.kernel_args' is an option of the install igncc describes with 'install_disk' and 'serve.base_url': the PXE install and install/<host>.sh install a host the same way",
            "site.yaml:30:7: error: kernel argument 'ignition.config.url=http://x/y.ign' in 'serve.kernel_args' sets 'ignition.config.url', which igncc writes itself from 'serve.base_url' (the host's Ignition config)",
            "site.yaml:31:7: error: kernel argument 'ignition.platform.id=qemu' in 'serve.kernel_args' sets 'ignition.platform.id', which igncc writes itself from the hosts being bare metal ('metal')",
            "site.yaml:32:7: error: kernel argument 'ignition.firstboot' in 'serve.kernel_args' sets 'ignition.firstboot', which igncc writes itself from 'os: flatcar' (Ignition's first boot, as 'flatcar.first_boot')",
            "site.yaml:33:7: error: kernel argument 'flatcar.first_boot=1' in 'serve.kernel_args' sets 'flatcar.first_boot', which igncc writes itself from 'os: flatcar' (Ignition's first boot)",
        ])
    }

    /// YAML ends a plain item of a flow list at ',': the two halves of an unquoted argument with a
    /// comma are caught; a quoted one, or a space after the ',', is what was meant.
    @Test func commaInAFlowList() throws {
        #expect(diagnose(Self.withServe("  kernel_args: [console=tty0, console=ttyS0,115200n8]\n")) == [
            "site.yaml:21:45: error: 'console=ttyS0,115200n8' is two items of the list 'serve.kernel_args': in a flow list YAML ends a plain item at ','; quote it if it is one kernel argument ('console=ttyS0,115200n8'), or put a space after the ','",
            "site.yaml:21:31: note: the item before the ','",
        ])
        let quoted = try compile(Self.withServe("  kernel_args: [console=tty0, \"console=ttyS0,115200n8\"]\n"))
        #expect(quoted.serve?.kernelArgs.map(\.value) == ["console=tty0", "console=ttyS0,115200n8"])
        let spaced = try compile(Self.withServe("  kernel_args: [quiet, splash]\n"))
        #expect(spaced.serve?.kernelArgs.map(\.value) == ["quiet", "splash"])
        // Block lists have no such trap.
        let block = try compile(Self.withServe("  kernel_args:\n    - console=ttyS0,115200n8\n"))
        #expect(block.serve?.kernelArgs.map(\.value) == ["console=ttyS0,115200n8"])
    }

    @Test func typesKeysAndPlaces() {
        #expect(diagnose(Self.withServe("  kernel_args: console=tty0\n  kernel_arg: []\n")) == [
            "site.yaml:21:16: error: expected a list for 'serve.kernel_args', found 'console=tty0'",
            "site.yaml:22:3: error: unknown key 'kernel_arg' in 'serve'; did you mean 'kernel_args'?",
        ])
        #expect(diagnose(Self.withServe("").replacingOccurrences(of: "  install_disk: /dev/sda\n",
                                                                  with: "  install_disk: /dev/sda\n  kernel_args: [quiet]\n")) == [
            "site.yaml:7:3: error: 'kernel_args' is not a default: set the live kernel arguments of every host in 'serve.kernel_args', and a host's own (which replace them) in its 'kernel_args'",
        ])
        #expect(diagnose(Self.withServe("").replacingOccurrences(of: "    roles: [control-plane, etcd, worker]\n",
                                                                  with: "    roles: [control-plane, etcd, worker]\n    kernel_args: [quiet, {a: b}, ip=dhcp]\n")) == [
            "site.yaml:17:26: error: expected a string for 'hosts.node1.kernel_args', found a mapping",
            "site.yaml:17:34: error: kernel argument 'ip=dhcp' in 'hosts.node1.kernel_args' sets 'ip', which igncc writes itself from the NICs' 'address' (dracut's network of a static host)",
        ])
    }

    /// Without a base URL no iPXE script carries them: refused where they are.
    @Test func needTheBaseURL() {
        let yaml = minimalSite.replacingOccurrences(of: "    roles: [control-plane, etcd, worker]\n",
                                                    with: "    roles: [control-plane, etcd, worker]\n    kernel_args: [quiet]\n")
            + "serve:\n  kernel_args: [console=tty0]\n"
        #expect(diagnose(yaml) == [
            "site.yaml:17:19: error: 'hosts.node1.kernel_args' goes into the iPXE scripts, which igncc writes only with 'serve.base_url'",
            "site.yaml:21:17: error: 'serve.kernel_args' goes into the iPXE scripts, which igncc writes only with 'serve.base_url'",
        ])
    }

    /// x86's kernel keeps 2047 bytes of command line: a longer one is refused at the list that
    /// makes it so (the site's once, for every host using it; a host's own at the host's).
    @Test func commandLineLimit() throws {
        let line = try Self.kernelLine(Self.withServe(""))
        // "kernel <url> " precedes the arguments iPXE hands to the kernel.
        let generated = line.split(separator: " ").dropFirst(2).joined(separator: " ").utf8.count
        let fits = String(repeating: "a", count: LiveKernelArguments.maxCommandLineBytes - generated - 1)
        let site = Self.withServe("  kernel_args: [\(fits)]\n")
        let accepted = try compile(site)
        #expect(try Self.kernelLine(site).utf8.count == line.utf8.count + 1 + fits.utf8.count)
        #expect(accepted.serve?.kernelArgs.count == 1)
        #expect(diagnose(Self.withServe("  kernel_args: [\(fits)b]\n")) == [
            "site.yaml:21:17: error: with 'serve.kernel_args', the live kernel command line of host 'node1' is 2048 bytes; the kernel keeps 2047 and drops the rest without a word",
        ])
        let own = minimalSite.replacingOccurrences(of: "    roles: [control-plane, etcd, worker]\n",
                                                   with: "    roles: [control-plane, etcd, worker]\n    kernel_args: [x, \(fits)]\n")
            + "serve:\n  base_url: http://boot.demo.example:8080\n"
        #expect(diagnose(own) == [
            "site.yaml:17:19: error: the live kernel command line of host 'node1' is 2049 bytes; the kernel keeps 2047 and drops the rest without a word",
        ])
    }
}
