import Foundation
import Testing
@testable import IgnitionCompiler

/// Schema problems: each asserts the exact printed lines, with line and column.
@Suite struct SchemaDiagnosticsTests {
    @Test func unsupportedVersion() {
        #expect(diagnose(minimalSite.replacingOccurrences(of: "version: 1\n", with: "version: 2\n")) == [
            "site.yaml:1:10: error: unsupported site format version 2; this igncc reads version 1",
        ])
    }

    @Test func missingRequiredKeys() {
        #expect(diagnose("version: 1\nsite: x\n") == [
            "site.yaml:1:1: error: missing required key 'domain' in the site",
            "site.yaml:1:1: error: missing required key 'networks' in the site",
            "site.yaml:1:1: error: missing required key 'hosts' in the site",
        ])
    }

    /// A missing top-level key does not hide the problems of the hosts.
    @Test func missingDomainStillChecksHosts() {
        let text = minimalSite.replacingOccurrences(of: "domain: demo.example\n", with: "")
            + "  node2:\n    roles: [worker]\n    nics: [{mac: 52:54:00:00:01:21, network: lan, address: 192.168.1.22}]\n"
        #expect(diagnose(text) == [
            "site.yaml:1:1: error: missing required key 'domain' in the site",
            "site.yaml:20:18: error: MAC address 52:54:00:00:01:21 is used twice",
            "site.yaml:17:15: note: first used by host 'node1'",
        ])
    }

    @Test func duplicateKeyPointsAtTheFirst() {
        #expect(diagnose(minimalSite.replacingOccurrences(of: "domain: demo.example\n", with: "domain: demo.example\ndomain: other.example\n")) == [
            "site.yaml:4:1: error: duplicate key 'domain' in the site",
            "site.yaml:3:1: note: 'domain' first defined here",
        ])
    }

    @Test func unknownKeySuggestsTheNearestOne() {
        #expect(diagnose(minimalSite.replacingOccurrences(of: "address: 192.168.1.21}", with: "adress: 192.168.1.21}")) == [
            "site.yaml:18:48: error: unknown key 'adress' in a NIC of host 'node1'; did you mean 'address'?",
        ])
    }

    @Test func unknownKeyWithoutSuggestion() {
        #expect(diagnose(minimalSite + "colour: blue\n") == [
            "site.yaml:19:1: error: unknown key 'colour' in the site",
        ])
    }

    @Test func wrongTypes() {
        let text = minimalSite
            .replacingOccurrences(of: "site: demo", with: "site: [demo]")
            .replacingOccurrences(of: "dns: [192.168.1.10]", with: "dns: 192.168.1.10")
            .replacingOccurrences(of: "roles: [control-plane, etcd, worker]", with: "roles: {control-plane: true}")
        #expect(diagnose(text) == [
            "site.yaml:2:7: error: expected a string for 'site', found a list",
            "site.yaml:13:10: error: expected a list for 'dns', found '192.168.1.10'",
            "site.yaml:16:12: error: expected a list for 'roles', found a mapping",
        ])
    }

    @Test func quotedNumberIsNotAnInteger() {
        #expect(diagnose(minimalSite + "  node2:\n    roles: [worker]\n    vm: {vcpus: \"4\"}\n    nics: [{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}]\n") == [
            "site.yaml:21:17: error: expected an integer for 'vcpus', found '4'",
        ])
    }

    @Test func badEnumerationSuggests() {
        #expect(diagnose(minimalSite.replacingOccurrences(of: "  os: fcos", with: "  os: flatcr")) == [
            "site.yaml:5:7: error: 'flatcr' is not a valid 'os'; expected one of 'fcos', 'flatcar'; did you mean 'flatcar'?",
        ])
    }

    @Test func ignitionVersionIsChecked() {
        #expect(diagnose(minimalSite.replacingOccurrences(of: "  os: fcos", with: "  os: fcos\n  ignition_version: 3.2.0")) == [
            "site.yaml:6:21: error: '3.2.0' is not a valid 'ignition_version'; expected one of '3.3.0', '3.4.0', '3.5.0', '3.6.0'; did you mean '3.3.0'?",
        ])
    }

    @Test func missingHostKeysNameWhereToSetThem() {
        let text = minimalSite.replacingOccurrences(of: "  install_disk: /dev/sda\n", with: "")
        #expect(diagnose(text) == [
            "site.yaml:15:5: error: missing required key 'install_disk' in host 'node1' (set it there or in 'defaults')",
        ])
    }
}
