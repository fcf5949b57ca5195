import Foundation
import Testing
@testable import IgnitionCompiler

/// Butane snippets in site.yaml: where they may be, how they merge, and what is reported.
@Suite struct SnippetTests {
    /// A site of two hosts: node1 (control plane) and node2 (worker), with the given extra text
    /// under `defaults`, at the top (roles) and under node2.
    static func site(defaults: String = "", top: String = "", node2: String = "") -> String {
        """
        version: 1
        site: demo
        domain: demo.example
        defaults:
          os: fcos
          install_disk: /dev/sda
          ssh_authorized_keys:
            - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@demo
        \(defaults)
        networks:
          lan:
            cidr: 192.168.1.0/24
            gateway: 192.168.1.1
        \(top)
        hosts:
          node1:
            roles: [control-plane, etcd]
            nics:
              - {mac: 52:54:00:00:01:21, network: lan, address: 192.168.1.21}
          node2:
            roles: [worker]
            nics:
              - {mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}
        \(node2)

        """
    }

    /// The decoded contents of `path` in a host's merged config.
    static func file(_ site: Site, host: Int, _ path: String) -> String? {
        let name = site.hosts[host].name.value
        let config = site.mergedConfigs[name] ?? IgnitionBackend.generated(for: site.hosts[host], in: site)
        guard let node = config["storage"]?["files"]?.items.first(where: { $0["path"]?.string == path }),
              let source = node["contents"]?["source"]?.string, let bytes = DataURL.decode(source) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func motd(_ text: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        return """
        \(pad)butane:
        \(pad)  storage:
        \(pad)    files:
        \(pad)      - path: /etc/motd
        \(pad)        overwrite: true
        \(pad)        contents: {inline: \(text)}
        """
    }

    @Test func mergeOrderIsDefaultsRolesHost() throws {
        let yaml = Self.site(defaults: Self.motd("defaults", indent: 2),
                             top: "roles:\n  worker:\n" + Self.motd("worker", indent: 4),
                             node2: Self.motd("node2", indent: 4))
        let site = try compile(yaml)
        #expect(Self.file(site, host: 0, "/etc/motd") == "defaults")
        #expect(Self.file(site, host: 1, "/etc/motd") == "node2")
        let rolesOnly = try compile(Self.site(defaults: Self.motd("defaults", indent: 2),
                                              top: "roles:\n  worker:\n" + Self.motd("worker", indent: 4)))
        #expect(Self.file(rolesOnly, host: 1, "/etc/motd") == "worker")
        #expect(rolesOnly.hosts[1].butane.map(\.origin) == [.defaults, .role(.worker)])
    }

    @Test func snippetsMergeFieldByField() throws {
        // The defaults give a mode, the host gives contents: both are kept.
        let defaults = """
          butane:
            storage:
              files:
                - {path: /etc/app.conf, mode: 0640, contents: {inline: old}}
            systemd:
              units:
                - {name: app.service, enabled: true}
        """
        let host = """
            butane:
              storage:
                files:
                  - {path: /etc/app.conf, overwrite: true, contents: {inline: new}}
        """
        let site = try compile(Self.site(defaults: defaults, node2: host))
        let config = try #require(site.mergedConfigs["node2"])
        let file = try #require(config["storage"]?["files"]?.items.first { $0["path"]?.string == "/etc/app.conf" })
        #expect(file["mode"]?.int == 0o640)
        #expect(file["overwrite"]?.bool == true)
        #expect(Self.file(site, host: 1, "/etc/app.conf") == "new")
        #expect(Self.file(site, host: 0, "/etc/app.conf") == "old")
        #expect(config["systemd"]?["units"]?.items.count == 1)
    }

    @Test func literalBlockPositionsAreTheSiteFiles() {
        let defaults = """
          butane: |
            storage:
              files:
                - path: /etc/motd
                  modee: 0644
        """
        #expect(diagnose(Self.site(defaults: defaults)) == ["site.yaml:13:11: error: unknown key 'modee'; did you mean 'mode'?"])
    }

    @Test func overridingAGeneratedFileWarnsWithBothPlaces() {
        let host = """
            butane:
              storage:
                files:
                  - {path: /etc/hostname, overwrite: true, contents: {inline: other}}
        """
        #expect(diagnose(Self.site(node2: host)) == [
            "site.yaml:27:20: warning: the Butane snippet of host 'node2' replaces '/etc/hostname', which igncc generates for host 'node2'",
            "site.yaml:20:3: note: igncc generates it from here",
        ])
    }

    @Test func snippetVariantMustMatchTheHost() {
        let host = """
            butane:
              variant: flatcar
              version: 1.1.0
        """
        #expect(diagnose(Self.site(node2: host)) == [
            "site.yaml:26:16: error: this snippet is flatcar 1.1.0, but the host needs fcos 1.5.0 (Ignition 3.4.0)",
        ])
        let matching = host.replacingOccurrences(of: "flatcar", with: "fcos").replacingOccurrences(of: "1.1.0", with: "1.5.0")
        #expect(diagnose(Self.site(node2: matching)) == [])
    }

    @Test func unknownRolesAreRefused() {
        #expect(diagnose(Self.site(top: "roles:\n  master:\n    butane: {}")) == [
            "site.yaml:15:3: error: unknown role 'master' in 'roles'; expected one of 'control-plane', 'etcd', 'worker', 'calico-rr', 'bastion'",
        ])
    }

    @Test func snippetFilesAreRelativeToTheSite() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("snippets"), withIntermediateDirectories: true)
        try dir.write("snippets/worker.bu", """
            variant: fcos
            version: 1.5.0
            storage:
              files:
                - path: /etc/role
                  contents:
                    local: role.txt
            """)
        try dir.write("role.txt", "worker\n")
        try dir.write("site.yaml", Self.site(top: "roles:\n  worker:\n    butane: snippets/worker.bu"))
        let loaded = Compiler.load(path: dir.file("site.yaml"))
        #expect(loaded.diagnostics.all.isEmpty, "\(loaded.diagnostics.all)")
        let site = try #require(loaded.compilable)
        #expect(Self.file(site, host: 1, "/etc/role") == "worker\n")
        #expect(Self.file(site, host: 0, "/etc/role") == nil)

        try dir.write("site.yaml", Self.site(top: "roles:\n  worker:\n    butane: snippets/missing.bu"))
        let missing = Compiler.load(path: dir.file("site.yaml"))
        #expect(missing.diagnostics.all.map(\.message) == [
            "cannot read Butane snippet 'snippets/missing.bu': no such file or directory (a path is relative to the site file's directory, \(dir.path.replacingOccurrences(of: "//", with: "/")))",
        ])
    }

    @Test func aSharedSnippetIsTranslatedOnceAndReportedOnce() {
        // One bad key in the defaults' snippet, two hosts: one error.
        let defaults = """
          butane:
            storage:
              filez: []
        """
        #expect(diagnose(Self.site(defaults: defaults)) == ["site.yaml:11:7: error: unknown key 'filez'; did you mean 'files'?"])
    }

    /// No Butane spec of flatcar produces Ignition 3.5.0: a snippet cannot be read for such a
    /// host, and `--target butane` has no document to write for it.
    @Test func flatcarOnIgnition35HasNoButane() throws {
        let flatcar = Self.site(node2: "    os: flatcar\n    ignition_version: 3.5.0")
        #expect(diagnose(flatcar) == [])
        let site = try #require(load(flatcar).compilable)
        #expect(Compiler.check(site, targets: [.butane], explicit: true).all.map(\.message) == [
            "no Butane spec of flatcar produces Ignition 3.5.0: out/butane has no file for host 'node2'",
        ])
        #expect(Compiler.check(site, targets: [.butane], explicit: false).all.map(\.severity) == [.warning])
        #expect(Compiler.build(site, options: BuildOptions(targets: [.butane])).map(\.relativePath) == ["butane/node1.bu", "SHA512SUMS"])

        let withSnippet = Self.site(node2: "    os: flatcar\n    ignition_version: 3.5.0\n    butane: {storage: {}}")
        #expect(diagnose(withSnippet) == [
            "site.yaml:26:13: error: no Butane spec of flatcar produces Ignition 3.5.0, the ignition_version of host 'node2'",
            "site.yaml:20:3: note: the host is here",
        ])
    }

    /// The same for Ignition 3.6.0: no stable flatcar spec writes it (flatcar 1.2.0-experimental
    /// writes 3.7.0-experimental and is never chosen).
    @Test func flatcarOnIgnition36HasNoButane() throws {
        let site = try #require(load(Self.site(node2: "    os: flatcar\n    ignition_version: 3.6.0")).compilable)
        #expect(Compiler.check(site, targets: [.butane], explicit: true).all.map(\.message) == [
            "no Butane spec of flatcar produces Ignition 3.6.0: out/butane has no file for host 'node2'",
        ])
        #expect(diagnose(Self.site(node2: "    os: flatcar\n    ignition_version: 3.6.0\n    butane: {storage: {}}")) == [
            "site.yaml:26:13: error: no Butane spec of flatcar produces Ignition 3.6.0, the ignition_version of host 'node2'",
            "site.yaml:20:3: note: the host is here",
        ])
    }

    /// An fcos host on Ignition 3.6.0 is written in Butane fcos 1.7.0, and reads its snippets as
    /// fcos 1.7.0: a tree's owner and modes are taken, a setuid mode is no longer warned about.
    /// The default 3.4.0 (fcos 1.5.0) refuses those tree fields, naming the spec that has them.
    @Test func fcosOnIgnition36IsButane17() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("tree/bin"), withIntermediateDirectories: true)
        try dir.write("tree/bin/tool", "#!/bin/sh\n")
        let snippet = """
            butane:
              storage:
                trees:
                  - {local: tree, path: /opt/site, user: {name: core}, file_mode: 0750}
                files:
                  - {path: /usr/local/bin/suid, mode: 04755, contents: {inline: x}}
        """
        try dir.write("site.yaml", Self.site(node2: "    ignition_version: 3.6.0\n" + snippet))
        let loaded = Compiler.load(path: dir.file("site.yaml"))
        #expect(loaded.diagnostics.all.isEmpty, "\(loaded.diagnostics.all.map(\.message))")
        let site = try #require(loaded.compilable)
        let config = try #require(site.mergedConfigs["node2"])
        let tool = try #require(config["storage"]?["files"]?.items.first { $0["path"]?.string == "/opt/site/bin/tool" })
        #expect(tool["mode"]?.int == 0o750)
        #expect(tool["user"]?["name"]?.string == "core")

        let outputs = Compiler.build(site, options: BuildOptions(targets: [.ignition, .butane]))
        let ignition = try #require(outputs.first { $0.relativePath == "ignition/node2.ign" })
        #expect(JSONValueProbe.version(of: ignition.contents) == "3.6.0")
        #expect(IgnitionValidation.validate(bytes: ignition.contents, file: "node2.ign").all.isEmpty)
        let butane = try #require(outputs.first { $0.relativePath == "butane/node2.bu" })
        let text = String(decoding: butane.contents, as: UTF8.self)
        #expect(text.contains("\nvariant: fcos\nversion: 1.7.0\n"))
        // The Butane document translates back to the same Ignition config.
        let again = Butane.translate(bytes: butane.contents, file: "node2.bu", options: ButaneOptions(strict: true))
        #expect(again.diagnostics.all.isEmpty, "\(again.diagnostics.all.map(\.message))")
        #expect(try IgnitionNormalizer.canonical(Data(try #require(again.json()))) == IgnitionNormalizer.canonical(Data(ignition.contents)))
        // node1 keeps the default, 3.4.0, written as fcos 1.5.0.
        let node1 = try #require(outputs.first { $0.relativePath == "butane/node1.bu" })
        #expect(String(decoding: node1.contents, as: UTF8.self).contains("\nversion: 1.5.0\n"))

        try dir.write("site.yaml", Self.site(node2: snippet))
        #expect(Compiler.load(path: dir.file("site.yaml")).diagnostics.all.map(\.message) == [
            "unused key user; 'user' needs fcos 1.7.0 or newer",
            "unused key file_mode; 'file_mode' needs fcos 1.7.0 or newer",
            "setuid/setgid/sticky bits are not supported or functional in spec versions older than 3.6.0",
        ])
    }

    /// In a site, a misspelt key is an error, not butane's warning: `contnets:` would otherwise
    /// give a unit with no contents and the build would go on. `igncc butane` keeps butane's
    /// warning for the same text.
    @Test func unknownSnippetKeysAreErrorsWithASuggestion() throws {
        let unit = """
            butane:
              systemd:
                units:
                  - name: app.service
                    enabled: true
                    contnets: |
                      [Service]
                      ExecStart=/usr/bin/true
        """
        let yaml = Self.site(node2: unit)
        #expect(diagnose(yaml) == ["site.yaml:29:13: error: unknown key 'contnets'; did you mean 'contents'?"])
        #expect(load(yaml).compilable == nil)

        let standalone = "variant: fcos\nversion: 1.5.0\nsystemd:\n  units:\n    - name: app.service\n      contnets: x\n"
        let butane = Butane.translate(bytes: Array(standalone.utf8), file: "app.bu")
        #expect(butane.diagnostics.all.map { "\($0.severity) \($0.message)" } == ["warning unused key contnets"])
        #expect(butane.json() != nil)
    }

    /// Keys reached through an alias or a merge key are checked too (butane checks neither), and a
    /// key under an anchor used twice is reported once, at the anchor.
    @Test func unknownKeysBehindAliasesAndMergeKeysAreFound() {
        let host = """
            butane:
              storage:
                files:
                  - &motd {path: /etc/motd, overwirte: true, contents: {inline: hi}}
                  - {<<: *motd, path: /etc/issue}
        """
        #expect(diagnose(Self.site(node2: host)) == [
            "site.yaml:27:37: error: unknown key 'overwirte'; did you mean 'overwrite'?",
        ])
    }

    /// A `butane:` value naming an existing file is a path whatever its extension (fcct's `.fcc`,
    /// none at all); one naming nothing is reported at the value, with the reason; a one-line
    /// mapping is still Butane text.
    @Test func snippetPathsHaveAnyExtension() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let motd = "storage:\n  files:\n    - {path: /etc/motd, overwrite: true, contents: {inline: fcc}}\n"
        try dir.write("old.fcc", motd)
        try dir.write("noext", motd.replacingOccurrences(of: "fcc}", with: "noext}"))
        for (value, expected) in [("old.fcc", "fcc"), ("noext", "noext"), ("'{storage: {files: [{path: /etc/motd, overwrite: true, contents: {inline: text}}]}}'", "text")] {
            try dir.write("site.yaml", Self.site(node2: "    butane: \(value)"))
            let loaded = Compiler.load(path: dir.file("site.yaml"))
            #expect(loaded.diagnostics.all.isEmpty, "\(value): \(loaded.diagnostics.all)")
            let site = try #require(loaded.compilable)
            #expect(Self.file(site, host: 1, "/etc/motd") == expected)
        }

        try FileManager.default.createDirectory(atPath: dir.file("adir"), withIntermediateDirectories: true)
        for (value, reason) in [("snippets/gone.fcc", "no such file or directory"), ("gone", "no such file or directory"),
                                ("adir", "it is a directory")] {
            try dir.write("site.yaml", Self.site(node2: "    butane: \(value)"))
            let loaded = Compiler.load(path: dir.file("site.yaml"))
            let printed = loaded.diagnostics.all.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.message)" }
            #expect(printed == ["24:13 cannot read Butane snippet '\(value)': \(reason) (a path is relative to the site file's directory, \(dir.path.replacingOccurrences(of: "//", with: "/")))"])
        }
    }
}
