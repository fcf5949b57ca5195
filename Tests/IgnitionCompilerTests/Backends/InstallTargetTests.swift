import Foundation
import Testing
@testable import IgnitionCompiler

/// `out/install/`: exact text of hosts.json, the install scripts and the iPXE scripts.
@Suite struct InstallTargetTests {
    /// An FCOS host with a pinned static NIC, a Flatcar host with an unpinned static NIC (and a
    /// second, DHCP, NIC) and an FCOS host on DHCP only; base_url with a trailing '/'.
    static let site = """
    version: 1
    site: demo
    domain: demo.example
    defaults:
      os: fcos
      install_disk: /dev/sda
      ssh_authorized_keys:
        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@demo
    networks:
      lan:
        cidr: 192.168.1.0/24
        gateway: 192.168.1.1
        dns: [192.168.1.10, 192.168.1.11]
      storage:
        cidr: 10.9.0.0/16
    hosts:
      node1:
        roles: [control-plane, etcd, worker]
        nics:
          - {mac: 52:54:00:00:01:21, name: lan0, network: lan, address: 192.168.1.21}
      node2:
        os: flatcar
        install_disk: /dev/vda
        roles: [worker]
        nics:
          - {mac: 52:54:00:AA:02:01, network: storage}
          - {mac: 52-54-00-AA-01-22, network: lan, address: 192.168.1.22}
      node3:
        roles: [worker]
        nics:
          - {mac: 52:54:00:00:01:23, network: lan}
    serve:
      base_url: http://boot.demo.example:8080/

    """

    static let base = "http://boot.demo.example:8080"

    /// The install files and the configs they describe, by path.
    static func build(_ yaml: String = site) throws -> [String: OutputFile] {
        // The rules of the targets built: a DHCP host is what Kubespray's would warn about.
        let files = buildAll(try compile(yaml, backends: Compiler.coreBackends), targets: [.ignition, .install])
        return Dictionary(uniqueKeysWithValues: files.map { ($0.relativePath, $0) })
    }

    static func text(_ files: [String: OutputFile], _ path: String) throws -> String {
        String(decoding: try #require(files[path]).contents, as: UTF8.self)
    }

    static func hash(_ files: [String: OutputFile], _ host: String) throws -> String {
        Checksums.hex(of: try #require(files["ignition/\(host).ign"]).contents)
    }

    @Test func filesAndModes() throws {
        let files = try Self.build()
        let install = files.values.filter { $0.relativePath.hasPrefix("install/") }.sorted { $0.relativePath < $1.relativePath }
        #expect(install.map(\.relativePath) == [
            "install/README.txt",
            "install/by-mac/52-54-00-00-01-21.ipxe", "install/by-mac/52-54-00-00-01-23.ipxe",
            "install/by-mac/52-54-00-aa-01-22.ipxe", "install/by-mac/52-54-00-aa-02-01.ipxe",
            "install/hosts.json",
            "install/ipxe/node1.ipxe", "install/ipxe/node2.ipxe", "install/ipxe/node3.ipxe",
            "install/node1.sh", "install/node2.sh", "install/node3.sh",
        ])
        // Beside the target directories, at the top: boot.ipxe, which install owns.
        #expect(files.keys.filter { !$0.contains("/") } .sorted() == ["SHA512SUMS", "boot.ipxe"])
        #expect(BuildTarget.owner(of: "boot.ipxe") == .install && BuildTarget.owner(of: "SHA512SUMS") == nil)
        for file in install + [try #require(files["boot.ipxe"])] {
            #expect(file.mode == (file.relativePath.hasSuffix(".sh") ? 0o755 : 0o644), "\(file.relativePath)")
            #expect(file.contents.last == 0x0A, "\(file.relativePath) ends with a newline")
        }
    }

    @Test func hostIndex() throws {
        let files = try Self.build()
        #expect(try Self.text(files, "install/hosts.json") == """
        {"site":"demo","base_url":"http://boot.demo.example:8080","hosts":[
        {"name":"node1","os":"fcos","macs":["52:54:00:00:01:21"],"ignition":"ignition/node1.ign","ipxe":"install/ipxe/node1.ipxe","script":"install/node1.sh"},
        {"name":"node2","os":"flatcar","macs":["52:54:00:aa:02:01","52:54:00:aa:01:22"],"ignition":"ignition/node2.ign","ipxe":"install/ipxe/node2.ipxe","script":"install/node2.sh"},
        {"name":"node3","os":"fcos","macs":["52:54:00:00:01:23"],"ignition":"ignition/node3.ign","ipxe":"install/ipxe/node3.ipxe","script":"install/node3.sh"}
        ],"networks":[
        {"name":"lan","cidr":"192.168.1.0/24"},
        {"name":"storage","cidr":"10.9.0.0/16"}
        ]}

        """)
        // igncc serve reads it as JSON: the same document whatever the layout.
        let parsed = try JSONSerialization.jsonObject(with: Data(try #require(files["install/hosts.json"]).contents)) as? [String: Any]
        #expect(parsed?["base_url"] as? String == Self.base)
        #expect((parsed?["hosts"] as? [Any])?.count == 3)
    }

    /// Without serve.base_url: hosts.json only, without base_url, ipxe and script.
    @Test func withoutBaseURLOnlyTheIndex() throws {
        let files = try Self.build(Self.site.replacingOccurrences(of: "serve:\n  base_url: http://boot.demo.example:8080/\n", with: ""))
        #expect(files.keys.filter { $0.hasPrefix("install/") } == ["install/hosts.json"])
        #expect(try Self.text(files, "install/hosts.json") == """
        {"site":"demo","hosts":[
        {"name":"node1","os":"fcos","macs":["52:54:00:00:01:21"],"ignition":"ignition/node1.ign"},
        {"name":"node2","os":"flatcar","macs":["52:54:00:aa:02:01","52:54:00:aa:01:22"],"ignition":"ignition/node2.ign"},
        {"name":"node3","os":"fcos","macs":["52:54:00:00:01:23"],"ignition":"ignition/node3.ign"}
        ],"networks":[
        {"name":"lan","cidr":"192.168.1.0/24"},
        {"name":"storage","cidr":"10.9.0.0/16"}
        ]}

        """)
    }

    @Test func fcosScripts() throws {
        let files = try Self.build()
        let hash = try Self.hash(files, "node1")
        #expect(hash.count == 128)
        #expect(try Self.text(files, "install/node1.sh") == """
        #!/bin/sh
        # Installs Fedora CoreOS on host 'node1' of site 'demo', written by igncc.
        # Run it as root in the host's Fedora CoreOS live system: it erases /dev/sda.
        # coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
        # the one below: plain HTTP is safe.
        set -eu

        coreos-installer install /dev/sda \\
            --ignition-url http://boot.demo.example:8080/ignition/node1.ign \\
            --ignition-hash sha512-\(hash) \\
            --copy-network

        """)
        #expect(try Self.text(files, "install/ipxe/node1.ipxe") == """
        #!ipxe
        # Installs Fedora CoreOS on host 'node1' of site 'demo' (/dev/sda), written by igncc.
        # The live system runs coreos-installer with the host's Ignition config, then reboots.
        # The images are serve.images.fcos in site.yaml; by default, under the base URL:
        #   assets/fcos/fedora-coreos-live-kernel.x86_64
        #   assets/fcos/fedora-coreos-live-initramfs.x86_64.img
        #   assets/fcos/fedora-coreos-live-rootfs.x86_64.img
        kernel \(Self.base)/assets/fcos/fedora-coreos-live-kernel.x86_64 initrd=main coreos.live.rootfs_url=\(Self.base)/assets/fcos/fedora-coreos-live-rootfs.x86_64.img coreos.inst.install_dev=/dev/sda coreos.inst.ignition_url=\(Self.base)/ignition/node1.ign ignition.platform.id=metal ifname=lan0:52:54:00:00:01:21 ip=192.168.1.21::192.168.1.1:255.255.255.0:node1:lan0:none nameserver=192.168.1.10 nameserver=192.168.1.11
        initrd --name main \(Self.base)/assets/fcos/fedora-coreos-live-initramfs.x86_64.img
        boot

        """)
    }

    /// A DHCP-only host: no --copy-network, no network arguments.
    @Test func dhcpHost() throws {
        let files = try Self.build()
        let script = try Self.text(files, "install/node3.sh")
        #expect(script.hasSuffix("""
        coreos-installer install /dev/sda \\
            --ignition-url http://boot.demo.example:8080/ignition/node3.ign \\
            --ignition-hash sha512-\(try Self.hash(files, "node3"))

        """))
        let ipxe = try Self.text(files, "install/ipxe/node3.ipxe")
        #expect(ipxe.contains(" coreos.inst.ignition_url=\(Self.base)/ignition/node3.ign ignition.platform.id=metal\n"))
        #expect(!ipxe.contains("ip="))
        #expect(!ipxe.contains("nameserver="))
    }

    @Test func flatcarScripts() throws {
        let files = try Self.build()
        let hash = try Self.hash(files, "node2")
        #expect(try Self.text(files, "install/node2.sh") == """
        #!/bin/sh
        # Installs Flatcar Container Linux on host 'node2' of site 'demo', written by igncc.
        # Run it as root in the host's Flatcar Container Linux live system: it erases /dev/vda.
        # flatcar-install takes a local file only: the config is downloaded, refused unless its
        # SHA-512 is the one below, then installed.
        set -eu

        tmp=$(mktemp -d)
        trap 'rm -rf -- "$tmp"' EXIT
        trap 'exit 1' HUP INT TERM
        curl -fsSL -o "$tmp/node2.ign" http://boot.demo.example:8080/ignition/node2.ign
        printf '%s  %s\\n' \(hash) "$tmp/node2.ign" | sha512sum -c -
        flatcar-install -d /dev/vda -i "$tmp/node2.ign"

        """)
        // The unpinned static NIC (the second) is the primary one; it gets dracut's fixed name.
        #expect(try Self.text(files, "install/ipxe/node2.ipxe") == """
        #!ipxe
        # Boots Flatcar Container Linux in RAM as host 'node2' of site 'demo', written by igncc,
        # with the host's Ignition config; install it on /dev/vda with install/node2.sh.
        # The images are serve.images.flatcar in site.yaml; by default, under the base URL:
        #   assets/flatcar/flatcar_production_pxe.vmlinuz
        #   assets/flatcar/flatcar_production_pxe_image.cpio.gz
        kernel \(Self.base)/assets/flatcar/flatcar_production_pxe.vmlinuz initrd=main flatcar.first_boot=1 ignition.config.url=\(Self.base)/ignition/node2.ign ifname=bootnet:52:54:00:aa:01:22 ip=192.168.1.22::192.168.1.1:255.255.255.0:node2:bootnet:none nameserver=192.168.1.10 nameserver=192.168.1.11
        initrd --name main \(Self.base)/assets/flatcar/flatcar_production_pxe_image.cpio.gz
        boot

        """)
    }

    /// The hash in the scripts is the built config's, as sha512sum computes it.
    @Test func hashesAreThoseOfTheBuiltConfigs() throws {
        let files = try Self.build()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try OutputDirectory.write(Array(files.values), to: dir.file("out"))
        let readme = try Self.text(files, "install/README.txt")
        for host in ["node1", "node2", "node3"] {
            let result = try runProcess("/usr/bin/env", ["sha512sum", "ignition/\(host).ign"], directory: dir.file("out"))
            let hex = String(result.stdout.prefix(128))
            #expect(hex == (try Self.hash(files, host)))
            #expect(try Self.text(files, "install/\(host).sh").contains(hex))
            #expect(readme.contains("SHA-512: \(hex)\n"))
        }
    }

    @Test func imagesFromTheSite() throws {
        let yaml = Self.site + """
          images:
            fcos: {kernel: "https://mirror.example/fcos/kernel", rootfs: images/rootfs.img}
            flatcar: {initramfs: pxe/flatcar.cpio.gz}

        """
        let files = try Self.build(yaml)
        let fcos = try Self.text(files, "install/ipxe/node1.ipxe")
        #expect(fcos.contains("\nkernel https://mirror.example/fcos/kernel initrd=main coreos.live.rootfs_url=\(Self.base)/images/rootfs.img "))
        #expect(fcos.contains("\ninitrd --name main \(Self.base)/assets/fcos/fedora-coreos-live-initramfs.x86_64.img\n"))
        let flatcar = try Self.text(files, "install/ipxe/node2.ipxe")
        #expect(flatcar.contains("\nkernel \(Self.base)/assets/flatcar/flatcar_production_pxe.vmlinuz initrd=main "))
        #expect(flatcar.contains("\ninitrd --name main \(Self.base)/pxe/flatcar.cpio.gz\n"))
    }

    /// The primary NIC is the first static one that routes default; one that opted out gives no gateway.
    @Test func primaryNIC() throws {
        let yaml = Self.site
            .replacingOccurrences(of: "{mac: 52:54:00:00:01:21, name: lan0, network: lan, address: 192.168.1.21}",
                                  with: "{mac: 52:54:00:00:02:21, name: san0, network: storage, address: 10.9.0.21}\n      - {mac: 52:54:00:00:01:21, name: lan0, network: lan, address: 192.168.1.21}")
            .replacingOccurrences(of: "network: lan, address: 192.168.1.22}", with: "network: lan, address: 192.168.1.22, default_route: false}")
        let files = try Self.build(yaml)
        #expect(try Self.text(files, "install/ipxe/node1.ipxe").contains(" ifname=lan0:52:54:00:00:01:21 ip=192.168.1.21::192.168.1.1:255.255.255.0:node1:lan0:none nameserver=192.168.1.10 nameserver=192.168.1.11\n"))
        #expect(try Self.text(files, "install/ipxe/node2.ipxe").contains(" ifname=bootnet:52:54:00:aa:01:22 ip=192.168.1.22:::255.255.255.0:node2:bootnet:none nameserver=192.168.1.10 nameserver=192.168.1.11\n"))
    }

    @Test func readme() throws {
        let files = try Self.build()
        let readme = try Self.text(files, "install/README.txt")
        #expect(readme.hasPrefix("Installing the hosts of site 'demo'\n===================================\n"))
        #expect(readme.contains("""
        node2
        -----
        OS:      Flatcar Container Linux (flatcar)
        MACs:    52:54:00:aa:02:01, 52:54:00:aa:01:22
        Disk:    /dev/vda (erased)
        Config:  ignition/node2.ign
        SHA-512: \(try Self.hash(files, "node2"))
        Run:
            tmp=$(mktemp -d)
            curl -fsSL -o "$tmp/node2.ign" http://boot.demo.example:8080/ignition/node2.ign &&
                printf '%s  %s\\n' \(try Self.hash(files, "node2")) "$tmp/node2.ign" | sha512sum -c - &&
                flatcar-install -d /dev/vda -i "$tmp/node2.ign"
            rm -rf -- "$tmp"

        """))
        // The FCOS command is the script's, word for word.
        let script = try Self.text(files, "install/node1.sh")
        let command = script[script.range(of: "coreos-installer install")!.lowerBound...]
        let indented = command.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
        #expect(readme.contains("Run:\n" + indented))
        #expect(readme.contains("    \(Self.base)/boot.ipxe\n"))
        #expect(readme.contains("/ipxe?mac=${mac:hexhyp}"))
        for path in ["assets/fcos/fedora-coreos-live-kernel.x86_64", "assets/fcos/fedora-coreos-live-initramfs.x86_64.img",
                     "assets/fcos/fedora-coreos-live-rootfs.x86_64.img", "assets/flatcar/flatcar_production_pxe.vmlinuz",
                     "assets/flatcar/flatcar_production_pxe_image.cpio.gz"] {
            #expect(readme.contains("\n    \(path)\n"))
        }
    }

    /// by-mac/: for every MAC of every host, the host's iPXE script byte for byte, named as iPXE's
    /// `${mac:hexhyp}` spells the MAC, whatever site.yaml's spelling (`52-54-00-AA-01-22`).
    @Test func byMACCopies() throws {
        let files = try Self.build()
        for (host, macs) in [("node1", ["52-54-00-00-01-21"]), ("node2", ["52-54-00-aa-02-01", "52-54-00-aa-01-22"]),
                             ("node3", ["52-54-00-00-01-23"])] {
            let script = try #require(files["install/ipxe/\(host).ipxe"]).contents
            for mac in macs {
                let copy = try #require(files["install/by-mac/\(mac).ipxe"], "\(host) \(mac)")
                #expect(copy.contents == script && copy.mode == 0o644, "\(host) \(mac)")
            }
        }
        // Without base_url there is no script to copy, and no boot.ipxe.
        let bare = try Self.build(Self.site.replacingOccurrences(of: "serve:\n  base_url: http://boot.demo.example:8080/\n", with: ""))
        #expect(!bare.keys.contains { $0.hasPrefix("install/by-mac/") || $0 == "boot.ipxe" })
    }

    /// The static boot.ipxe: the booted NIC's MAC, then net0…net3, each a chain to its by-mac copy
    /// that `||` lets fail; then the unknown machine's message and the local disk.
    @Test func staticBootScript() throws {
        let files = try Self.build()
        #expect(try Self.text(files, "boot.ipxe") == """
        #!ipxe
        # Finds this machine's install script by the MAC of any of its NICs, for any web server that
        # serves this tree at http://boot.demo.example:8080/ (written by igncc for site 'demo'). igncc serve answers
        # /boot.ipxe itself, with the same search through /ipxe?mac= and a log line for unknown machines.
        chain --replace --autofree http://boot.demo.example:8080/install/by-mac/${mac:hexhyp}.ipxe ||
        chain --replace --autofree http://boot.demo.example:8080/install/by-mac/${net0/mac:hexhyp}.ipxe ||
        chain --replace --autofree http://boot.demo.example:8080/install/by-mac/${net1/mac:hexhyp}.ipxe ||
        chain --replace --autofree http://boot.demo.example:8080/install/by-mac/${net2/mac:hexhyp}.ipxe ||
        chain --replace --autofree http://boot.demo.example:8080/install/by-mac/${net3/mac:hexhyp}.ipxe ||
        echo igncc: no host of site demo has the MAC ${mac}
        echo igncc: its NICs: ${net0/mac} ${net1/mac} ${net2/mac} ${net3/mac}
        echo igncc: add it to site.yaml under 'hosts', then build and boot again, for instance:
        echo igncc: node-${mac:hexraw}: {roles: [worker], nics: [{mac: ${mac}, network: CHANGE-ME}]}
        echo igncc: booting from the local disk in 10 seconds
        sleep 10
        exit

        """)
        // Below a path, the chains are too.
        let below = try Self.build(Self.site.replacingOccurrences(of: "base_url: http://boot.demo.example:8080/",
                                                                  with: "base_url: http://boot.demo.example/kubernetes"))
        #expect(try Self.text(below, "boot.ipxe").contains(
            "\nchain --replace --autofree http://boot.demo.example/kubernetes/install/by-mac/${net2/mac:hexhyp}.ipxe ||\n"))
    }

    /// Words the shell would change are quoted.
    @Test func shellQuoting() {
        #expect(ShellWord.quoted("/dev/disk/by-id/wwn-0x5000") == "/dev/disk/by-id/wwn-0x5000")
        #expect(ShellWord.quoted("http://h/a?b=c&d=e") == "'http://h/a?b=c&d=e'")
        #expect(ShellWord.quoted("it's") == "'it'\\''s'")
        #expect(ShellWord.quoted("") == "''")
    }

    @Test func deterministic() throws {
        let a = buildAll(try compile(Self.site, backends: Compiler.coreBackends), targets: [.ignition, .install])
        let b = buildAll(try compile(Self.site, backends: Compiler.coreBackends), targets: [.ignition, .install])
        #expect(a == b)
    }
}
