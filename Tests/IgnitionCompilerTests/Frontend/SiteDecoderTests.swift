import Foundation
import Testing
@testable import IgnitionCompiler

@Suite struct SiteDecoderTests {
    @Test func lacaveSampleDecodes() throws {
        let loaded = Compiler.load(path: TestPaths.samples.appendingPathComponent("lacave/site.yaml").path)
        #expect(loaded.diagnostics.all.isEmpty)
        let site = try #require(loaded.compilable)
        #expect(site.name.value == "lacave")
        #expect(site.domain.value == "lacave.info")
        #expect(site.hosts.map(\.name.value) == ["kube01", "kube02", "kube03", "kube04"])
        let kube04 = site.hosts[3]
        #expect(kube04.os.value == .flatcar)
        #expect(kube04.installDisk.value == "/dev/nvme0n1")
        #expect(kube04.vm == VMSizing(memoryMiB: 8192, vcpus: 4, diskGiB: 40))
        #expect(kube04.labels.map(\.value) == [KeyValue(key: "disktype", value: "ssd")])
        #expect(kube04.nics[0].name?.value == "eno1")
        let kube01 = site.hosts[0]
        #expect(kube01.os.value == .fcos)
        #expect(kube01.user.value == "core")
        #expect(kube01.timezone?.value == "America/Toronto")
        #expect(kube01.butane.count == 1)
        #expect(kube01.roles.map(\.value) == [.controlPlane, .etcd, .worker])
        #expect(kube01.ignitionVersion.value == .v3_4_0)
        #expect(site.hosts[1].vm == VMSizing())
        let lan = try #require(site.network(named: "lan"))
        #expect(lan.cidr.value.description == "192.168.1.0/24")
        #expect(lan.libvirt?.mode.value == .nat)
        #expect(lan.libvirt?.dhcpRange?.end.value.description == "192.168.1.250")
        #expect(site.kubernetes?.vars.map(\.key.value) == ["kube_proxy_mode", "kube_oidc_url", "kube_oidc_client_id"])
        #expect(site.kubernetes?.vars.first?.value.resolved == .string("ipvs"))
        #expect(site.kubernetes?.allVars.map(\.key.value) == ["project_name", "global_domain_name"])
        #expect(kube04.vars.map(\.key.value) == ["node_taints"])
        #expect(site.hosts[0].vars.isEmpty)
        #expect(site.dns?.records.map(\.type.value) == [.A, .A, .CNAME])
        #expect(site.dns?.reverse == true)
        #expect(site.serve?.baseURL?.value == "http://elrond.lacave.info:8080")
    }

    @Test func hostOverridesDefaults() throws {
        let site = try compile(minimalSite + """
          node2:
            os: flatcar
            user: ops
            install_disk: /dev/vda
            roles: [worker]
            nics:
              - {mac: 52:54:00:00:01:22, network: lan}

        """, warnings: [noAddressWarning("node2", line: 19)])
        #expect(site.hosts[0].os.value == .fcos)
        #expect(site.hosts[1].os.value == .flatcar)
        #expect(site.hosts[1].user.value == "ops")
        #expect(site.hosts[1].installDisk.value == "/dev/vda")
        #expect(site.hosts[1].nics[0].address == nil)
    }

    /// YAML 1.1 typing follows the schema: strings keep their text, integers read octal.
    @Test func scalarsAreTypedByTheField() throws {
        let site = try compile(minimalSite + """
          node2:
            roles: [worker]
            labels: {country: NO, release: 1.20, mode: 0644}
            vm: {memory_mib: 0o10000, vcpus: 010, disk_gib: 0x10}
            nics:
              - {mac: 52:54:00:00:01:22, network: lan, default_route: yes}

        """, warnings: [noAddressWarning("node2", line: 19)])
        let host = site.hosts[1]
        #expect(host.labels.map(\.value.value) == ["NO", "1.20", "0644"])
        #expect(host.vm == VMSizing(memoryMiB: 4096, vcpus: 8, diskGiB: 16))
        #expect(host.nics[0].defaultRoute?.value == true)
    }

    @Test func macSpellingsAreNormalized() throws {
        for spelling in ["52:54:00:AB:01:21", "52-54-00-ab-01-21", "5254.00ab.0121"] {
            let site = try compile(minimalSite.replacingOccurrences(of: "52:54:00:00:01:21", with: spelling))
            #expect(site.hosts[0].nics[0].mac.value.description == "52:54:00:ab:01:21")
        }
    }

    @Test func mergeKeysApply() throws {
        let site = try compile(minimalSite + """
          node2: &base
            roles: [worker]
            nics:
              - {mac: 52:54:00:00:01:22, network: lan}
          node3:
            <<: *base
            nics:
              - {mac: 52:54:00:00:01:23, network: lan}

        """, warnings: [noAddressWarning("node2", line: 19), noAddressWarning("node3", line: 23)])
        #expect(site.hosts[2].roles.map(\.value) == [.worker])
        #expect(site.hosts[2].nics[0].mac.value.description == "52:54:00:00:01:23")
    }

    @Test func kubernetesVarsPassThroughTyped() throws {
        let site = try compile(minimalSite + """
        kubernetes:
          vars:
            a: 1
            b: "1"
            c: true
            d: [x, 2]
            e: 1.5
            f: ~

        """)
        #expect(site.kubernetes?.vars.map(\.value.resolved) == [.int(1), .string("1"), .bool(true), nil, .float("1.5"), .null])
        #expect(site.kubernetes?.vars[3].value == .list([.scalar(ConfigScalar("x")), .scalar(ConfigScalar("2"))], tag: nil))
        #expect(site.kubernetes?.vars[1].value == .scalar(ConfigScalar("1", style: .doubleQuoted)))
    }
}
