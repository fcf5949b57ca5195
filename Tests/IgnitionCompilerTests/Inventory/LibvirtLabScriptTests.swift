import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// lab.sh, run for real against fake `virsh` and `qemu-img` that keep libvirt's state in files:
/// it brings the lab up, changes nothing the second time, and tears it down, twice too.
@Suite struct LibvirtLabScriptTests {
    /// A virsh that answers from, and records into, files in $FAKE_LIBVIRT: `net-<name>` holds
    /// whether a network is active, `dom-<name>` a domain's state, `xml-<name>` its last XML.
    /// Strict where libvirt is lenient (defining a defined network, starting a running domain),
    /// so that a step lab.sh should have skipped fails the run.
    static let fakeVirsh = #"""
    #!/bin/sh
    set -eu
    state="$FAKE_LIBVIRT"
    echo "virsh $* [$LIBVIRT_DEFAULT_URI]" >>"$state/calls"
    command="$1"
    shift
    fail() { echo "fake virsh: $*" >&2; exit 1; }
    name_of() { sed -n 's|.*<name>\(.*\)</name>.*|\1|p' "$1" | head -n 1; }
    net() { [ -f "$state/net-$1" ] || fail "no network '$1'"; cat "$state/net-$1"; }
    dom() { [ -f "$state/dom-$1" ] || fail "no domain '$1'"; cat "$state/dom-$1"; }
    case "$command" in
        net-info) active=$(net "$1"); printf 'Name:           %s\nActive:         %s\n' "$1" "$active" ;;
        net-define) n=$(name_of "$1"); [ ! -f "$state/net-$n" ] || fail "network '$n' exists"; echo no >"$state/net-$n" ;;
        net-autostart) net "$1" >/dev/null; touch "$state/autostart-$1" ;;
        net-start) [ "$(net "$1")" = no ] || fail "network '$1' is active"; echo yes >"$state/net-$1" ;;
        net-destroy) [ "$(net "$1")" = yes ] || fail "network '$1' is not active"; echo no >"$state/net-$1" ;;
        net-undefine) [ "$(net "$1")" = no ] || fail "network '$1' is active"; rm -f "$state/net-$1" "$state/autostart-$1" ;;
        dominfo) s=$(dom "$1"); printf 'Name:           %s\nState:          %s\n' "$1" "$s" ;;
        domstate) dom "$1"; echo ;;
        define) n=$(name_of "$1"); cp "$1" "$state/xml-$n"; [ -f "$state/dom-$n" ] || echo "shut off" >"$state/dom-$n" ;;
        start) [ "$(dom "$1")" = "shut off" ] || fail "domain '$1' is running"; echo running >"$state/dom-$1" ;;
        destroy) [ "$(dom "$1")" = running ] || fail "domain '$1' is not running"; echo "shut off" >"$state/dom-$1" ;;
        undefine) [ "$(dom "$1")" = "shut off" ] || fail "domain '$1' is running"; rm -f "$state/dom-$1" "$state/xml-$1" ;;
        *) fail "unknown command '$command'" ;;
    esac
    """#

    /// `qemu-img create -f qcow2 -F qcow2 -b IMAGE OVERLAY SIZE`, and nothing else.
    static let fakeQemuImg = #"""
    #!/bin/sh
    set -eu
    echo "qemu-img $*" >>"$FAKE_LIBVIRT/calls"
    [ "$#" = 9 ] && [ "$1 $2 $3 $4 $5 $6" = "create -f qcow2 -F qcow2 -b" ] || { echo "fake qemu-img: bad call" >&2; exit 1; }
    [ -f "$7" ] || { echo "fake qemu-img: no image '$7'" >&2; exit 1; }
    [ ! -e "$8" ] || { echo "fake qemu-img: '$8' exists" >&2; exit 1; }
    printf 'overlay of %s, %s\n' "$7" "$9" >"$8"
    """#

    struct Lab {
        let dir: TemporaryDirectory
        var out: String { dir.file("out") }
        /// `out` as lab.sh finds it from its own path (`pwd`, which folds '//').
        var outAsSeen: String { out.replacingOccurrences(of: "//", with: "/") }
        var state: String { dir.file("state") }
        var images: String { dir.file("images") }
        /// An image path that breaks any unquoted expansion.
        var oddImage: String { dir.file("base/it's odd & $HOME.qcow2") }

        init() throws {
            dir = try TemporaryDirectory()
            for sub in ["bin", "base", "state"] {
                try FileManager.default.createDirectory(atPath: dir.file(sub), withIntermediateDirectories: true)
            }
            try dir.write("bin/virsh", LibvirtLabScriptTests.fakeVirsh)
            try dir.write("bin/qemu-img", LibvirtLabScriptTests.fakeQemuImg)
            for tool in ["bin/virsh", "bin/qemu-img"] { chmod(dir.file(tool), 0o755) }
            try dir.write("base/fcos.qcow2", "fcos\n")
            try dir.write("base/it's odd & $HOME.qcow2", "flatcar\n")
        }

        /// The XML tests' site with its images here.
        func site() throws -> Site {
            let yaml = LibvirtXMLTests.site
                .replacingOccurrences(of: "  install_disk: /dev/sda\n", with: "  install_disk: /dev/sda\n  vm: {image: \(dir.file("base/fcos.qcow2"))}\n")
                .replacingOccurrences(of: "image: \"/srv/it's <odd> & big.qcow2\"", with: "image: \"\(oddImage)\"")
            return try compile(yaml)
        }

        func run(_ arguments: [String] = []) throws -> ProcessResult {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            return try runProcess("/usr/bin/env", ["PATH=\(dir.file("bin")):\(path)", "FAKE_LIBVIRT=\(state)",
                                                   "IGNCC_LAB_IMAGES=\(images)", "/bin/sh", out + "/libvirt/lab.sh"] + arguments)
        }

        /// The calls recorded since the last time, and forget them.
        func takeCalls() throws -> [String] {
            let text = (try? String(contentsOfFile: state + "/calls", encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: state + "/calls")
            return text.split(separator: "\n").map(String.init)
        }

        /// libvirt's state and the images directory: file name → contents.
        func snapshot() throws -> [String: String] {
            var result: [String: String] = [:]
            for (prefix, folder) in [("state/", state), ("images/", images)] {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name != "calls" {
                    result[prefix + name] = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
                }
            }
            return result
        }
    }

    @Test func scriptParsesAndHelps() throws {
        let lab = try Lab()
        defer { lab.dir.remove() }
        try OutputDirectory.write(buildAll(try lab.site(), targets: [.libvirt]), to: lab.out)
        let script = lab.out + "/libvirt/lab.sh"
        #expect(try runProcess("/bin/sh", ["-n", script]).status == 0)
        #expect(FileManager.default.isExecutableFile(atPath: script))
        let help = try lab.run(["--help"])
        #expect(help.status == 0 && help.stdout.hasPrefix("usage: lab.sh [--destroy | --help]\n"))
        let bad = try lab.run(["--up"])
        #expect(bad.status == 2 && bad.stderr.hasPrefix("usage: lab.sh"))
        #expect(try lab.takeCalls() == [])
    }

    @Test func refusesToStartWithoutTheIgnitionConfigs() throws {
        let lab = try Lab()
        defer { lab.dir.remove() }
        try OutputDirectory.write(buildAll(try lab.site(), targets: [.libvirt]), to: lab.out)
        let result = try lab.run()
        #expect(result.status == 1)
        #expect(result.stderr == """
            lab.sh: \(lab.outAsSeen)/ignition/node1.ign is missing: build the ignition target (igncc build site.yaml --target ignition)
            lab.sh: \(lab.outAsSeen)/ignition/node2.ign is missing: build the ignition target (igncc build site.yaml --target ignition)

            """)
        #expect(try lab.takeCalls() == [])
    }

    @Test func upTwiceThenDownTwice() throws {
        let lab = try Lab()
        defer { lab.dir.remove() }
        try OutputDirectory.write(buildAll(try lab.site()), to: lab.out)

        let first = try lab.run()
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let calls = try lab.takeCalls()
        let uri = " [qemu:///system]"
        let defines = calls.filter { $0.hasPrefix("virsh define ") }
        #expect(defines.count == 2)
        var expected: [String] = []
        for network in ["lan", "storage", "backup"] {
            expected.append("virsh net-define \(lab.outAsSeen)/libvirt/networks/\(network).xml" + uri)
            expected.append("virsh net-autostart demo-\(network)" + uri)
            expected.append("virsh net-start demo-\(network)" + uri)
        }
        expected.append("qemu-img create -f qcow2 -F qcow2 -b \(lab.dir.file("base/fcos.qcow2")) \(lab.images)/node1.qcow2 20G")
        expected.append(defines.first ?? "")
        expected.append("virsh start demo-node1" + uri)
        expected.append("qemu-img create -f qcow2 -F qcow2 -b \(lab.oddImage) \(lab.images)/node2.qcow2 40G")
        expected.append(defines.last ?? "")
        expected.append("virsh start demo-node2" + uri)
        let made = calls.filter { !$0.hasPrefix("virsh net-info ") && !$0.hasPrefix("virsh domstate ") }
        #expect(made == expected)

        let state = try lab.snapshot()
        #expect(state["state/net-demo-lan"] == "yes\n" && state["state/net-demo-backup"] == "yes\n")
        #expect(state["state/autostart-demo-storage"] == "")
        #expect(state["state/dom-demo-node1"] == "running\n" && state["state/dom-demo-node2"] == "running\n")
        #expect(state["images/node2.qcow2"] == "overlay of \(lab.oddImage), 40G\n")
        let config = try String(contentsOfFile: lab.out + "/ignition/node1.ign", encoding: .utf8)
        #expect(state["images/node1.ign"] == config)
        // Defined with the images directory of IGNCC_LAB_IMAGES.
        let xml = try #require(state["state/xml-demo-node2"])
        #expect(xml.contains("<entry name='opt/org.flatcar-linux/config' file='\(lab.images)/node2.ign'/>"))
        #expect(xml.contains("<source file='\(lab.images)/node2.qcow2'/>"))
        #expect(!xml.contains("/var/lib/libvirt/images/demo/"))

        // Again: every step finds its work done; the domains are redefined, nothing else.
        let second = try lab.run()
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let again = try lab.takeCalls().filter { !$0.hasPrefix("virsh net-info") && !$0.hasPrefix("virsh domstate") }
        #expect(again.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == ["virsh define", "virsh define"])
        #expect(try lab.snapshot() == state)

        let down = try lab.run(["--destroy"])
        #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
        let downCalls = try lab.takeCalls().filter { !$0.contains(" net-info ") && !$0.contains(" dominfo ") && !$0.contains(" domstate ") }
        #expect(downCalls == [
            "virsh destroy demo-node1" + uri, "virsh undefine demo-node1" + uri,
            "virsh destroy demo-node2" + uri, "virsh undefine demo-node2" + uri,
            "virsh net-destroy demo-lan" + uri, "virsh net-undefine demo-lan" + uri,
            "virsh net-destroy demo-storage" + uri, "virsh net-undefine demo-storage" + uri,
            "virsh net-destroy demo-backup" + uri, "virsh net-undefine demo-backup" + uri,
        ])
        #expect(try lab.snapshot() == [:])
        #expect(!FileManager.default.fileExists(atPath: lab.images))

        let downAgain = try lab.run(["--destroy"])
        #expect(downAgain.status == 0, "\(downAgain.stdout)\(downAgain.stderr)")
        #expect(try lab.takeCalls().allSatisfy { $0.contains(" net-info ") || $0.contains(" dominfo ") })
    }
}

/// lab.sh with a bridge-mode network: it checks that the lab host has the bridge (with `ip`),
/// never creates or removes it, and defines and starts the libvirt network that names it.
@Suite struct LibvirtLabScriptBridgeTests {
    /// `ip link show dev NAME type bridge`, and nothing else: `$FAKE_BRIDGES/NAME` holding
    /// `bridge` is a bridge, any other content another kind of link, no file no link.
    static let fakeIP = #"""
    #!/bin/sh
    set -eu
    echo "ip $*" >>"$FAKE_LIBVIRT/calls"
    [ "$#" = 6 ] && [ "$1 $2 $3 $5 $6" = "link show dev type bridge" ] || { echo "fake ip: bad call" >&2; exit 2; }
    [ -f "$FAKE_BRIDGES/$4" ] || { echo "Device \"$4\" does not exist." >&2; exit 1; }
    if [ "$(cat "$FAKE_BRIDGES/$4")" = bridge ]; then
        echo "7: $4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000"
    fi
    """#

    @Test func checksTheHostBridgeAndLeavesItAlone() throws {
        let lab = try LibvirtLabScriptTests.Lab()
        defer { lab.dir.remove() }
        try lab.dir.write("bin/ip", Self.fakeIP)
        chmod(lab.dir.file("bin/ip"), 0o755)
        try FileManager.default.createDirectory(atPath: lab.dir.file("bridges"), withIntermediateDirectories: true)
        let yaml = LibvirtLabAddressTests.site.replacingOccurrences(
            of: "  install_disk: /dev/vda\n", with: "  install_disk: /dev/vda\n  vm: {image: \(lab.dir.file("base/fcos.qcow2"))}\n")
        try OutputDirectory.write(buildAll(try compile(yaml, warnings: [noAddressWarning("node3", line: 36)])), to: lab.out)
        func run(_ arguments: [String] = []) throws -> ProcessResult {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            return try runProcess("/usr/bin/env", ["PATH=\(lab.dir.file("bin")):\(path)", "FAKE_LIBVIRT=\(lab.state)",
                                                   "FAKE_BRIDGES=\(lab.dir.file("bridges"))", "IGNCC_LAB_IMAGES=\(lab.images)",
                                                   "/bin/sh", lab.out + "/libvirt/lab.sh"] + arguments)
        }
        let missing = "lab.sh: network rack-uplink attaches the VMs to the bridge br0, which this host does not have: create it on the real network's interface first\n"

        // No br0, then a br0 that is not a bridge: nothing is done.
        for content in [nil, "ethernet"] {
            if let content { try lab.dir.write("bridges/br0", content) }
            let refused = try run()
            #expect(refused.status == 1)
            #expect(refused.stderr == missing)
            #expect(try lab.takeCalls() == ["ip link show dev br0 type bridge"])
        }

        try lab.dir.write("bridges/br0", "bridge")
        let up = try run()
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        let calls = try lab.takeCalls()
        #expect(calls.first == "ip link show dev br0 type bridge")
        #expect(calls.filter { $0.hasPrefix("ip ") }.count == 1)
        let uri = " [qemu:///system]"
        #expect(calls.contains("virsh net-define \(lab.outAsSeen)/libvirt/networks/uplink.xml" + uri))
        #expect(calls.contains("virsh net-start rack-uplink" + uri))
        #expect(try lab.snapshot()["state/net-rack-uplink"] == "yes\n")

        // Down: the libvirt network goes, the host bridge is not even looked at.
        let down = try run(["--destroy"])
        #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
        let downCalls = try lab.takeCalls()
        #expect(downCalls.contains("virsh net-undefine rack-uplink" + uri))
        #expect(!downCalls.contains { $0.hasPrefix("ip ") })
        #expect(try String(contentsOfFile: lab.dir.file("bridges/br0"), encoding: .utf8) == "bridge")
    }
}
