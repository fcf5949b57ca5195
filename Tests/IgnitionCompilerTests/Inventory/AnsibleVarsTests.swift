import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// `kubernetes.vars` as Ansible itself reads igncc's group_vars (Debian's ansible-core): vault
/// secrets decrypt, `!unsafe` stays unrendered, and tricky YAML 1.1 scalars and keys resolve to
/// exactly what Ansible makes of a hand-written group_vars file with the same text.
@Suite struct AnsibleVarsTests {
    /// An environment where Ansible writes nothing outside `dir`.
    static func ansible(_ tool: String, _ arguments: [String], home dir: TemporaryDirectory) throws -> ProcessResult {
        try FileManager.default.createDirectory(atPath: dir.file("home/tmp"), withIntermediateDirectories: true)
        return try runProcess("/usr/bin/env", ["HOME=\(dir.file("home"))", "ANSIBLE_LOCAL_TEMP=\(dir.file("home/tmp"))",
                                               "ANSIBLE_INVENTORY_ENABLED=ini", "ANSIBLE_NOCOLOR=1", tool] + arguments)
    }

    static func tool(_ name: String) throws -> String {
        try #require(which(name), "'\(name)' is missing: install the Debian package 'ansible-core'")
    }

    /// `text` with every line indented by `spaces` (empty lines stay empty).
    static func indent(_ text: String, _ spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }

    static func site(vars block: String) -> String {
        minimalSite + "kubernetes:\n  vars:\n" + indent(block, 4) + "\n"
    }

    @Test func vaultAndUnsafeReachAnsibleAsWritten() throws {
        let vault = try Self.tool("ansible-vault"), ansible = try Self.tool("ansible")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("pass", "correct horse battery\n")
        let encrypted = try Self.ansible(vault, ["encrypt_string", "--vault-password-file", dir.file("pass"), "S3cr3t: p@ss {{ x }}",
                                                 "--name", "nexus_admin_password"], home: dir)
        #expect(encrypted.status == 0, "\(encrypted.stderr)")
        // `nexus_admin_password: !vault |` and the block, as ansible-vault prints it for pasting.
        let pasted = encrypted.stdout.hasSuffix("\n") ? String(encrypted.stdout.dropLast()) : encrypted.stdout
        let blockLines = pasted.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(blockLines.first == "$ANSIBLE_VAULT;1.1;AES256")
        let block = """
        \(pasted)
        weird: !unsafe '{{ not_templated }}'
        nested:
          level1:
            - plain
            - !unsafe "{% raw %}{{ x }}"
            - secret: !vault |
        \(Self.indent(blockLines.joined(separator: "\n"), 8))
        unsafe_map: !unsafe
          a: "{{ nope }}"
        """
        let site = try compile(Self.site(vars: block))
        try OutputDirectory.write(buildAll(site, targets: [.kubespray]), to: dir.file("out"))
        let written = try String(contentsOfFile: dir.file("out/kubespray/group_vars/k8s_cluster/k8s-cluster.yml"), encoding: .utf8)
        // The vault block byte for byte, under its tag, at the top level and nested.
        #expect(written.contains("nexus_admin_password: !vault |\n" + blockLines.map { "  " + $0 + "\n" }.joined()))
        #expect(written.contains("- secret: !vault |\n" + blockLines.map { "        " + $0 + "\n" }.joined()))

        let inventory = dir.file("out/kubespray/inventory.ini")
        func debug(_ variable: String) throws -> String {
            let result = try Self.ansible(ansible, ["-i", inventory, "node1", "-m", "debug", "-a", "var=\(variable)",
                                                    "--vault-password-file", dir.file("pass")], home: dir)
            #expect(result.status == 0, "\(variable): \(result.stdout) \(result.stderr)")
            return result.stdout
        }
        #expect(try debug("nexus_admin_password").contains(#""nexus_admin_password": "S3cr3t: p@ss {{ x }}""#))
        // Unsafe values print unrendered: templated, `not_templated` would be undefined.
        #expect(try debug("weird").contains(#""weird": "{{ not_templated }}""#))
        let nested = try debug("nested")
        #expect(nested.contains(#""{% raw %}{{ x }}""#), "\(nested)")
        #expect(nested.contains(#""secret": "S3cr3t: p@ss {{ x }}""#), "\(nested)")
        #expect(try debug("unsafe_map").contains(#""a": "{{ nope }}""#))
    }

    /// Scalars YAML 1.1 reads in surprising ways, as values and as keys.
    static let tricky = """
    t_exp: 1e3
    t_exp_float: 1.0e+3
    t_sexagesimal: 190:20:30
    t_sexagesimal_float: 190:20:30.15
    t_inf: .inf
    t_minus_inf: -.Inf
    t_nan: .NaN
    t_yaml12_octal: 0o17
    t_octal: 017
    t_not_octal: 08
    t_hex: 0x1F
    t_binary: 0b101
    t_underscores: 1_000
    t_plus: +12
    t_yes: yes
    t_on: On
    t_y: y
    t_n: n
    t_tilde: ~
    t_empty:
    t_date: 2024-01-01
    t_version: 1.35.4
    t_quoted_exp: "1e3"
    t_quoted_yes: 'yes'
    t_str_tag: !!str 123
    t_int_tag: !!int "0x1F"
    t_float_tag: !!float 1
    t_folded: >-
      folded
      text
    t_literal: |
      literal
        indented
    t_keep: |+
      keep

    t_leading_space: |2
        starts with spaces
    t_tab: "tab\\there"
    t_single: 'it''s'
    t_multiline_plain: first
      second

      third
    t_flow: [1e3, 0x10, "a", {k: v}]
    keys_map:
      9000: int key
      "9001": string key
      0x10: hex key
      true: bool key
      1.5: float key
      1e3: string key too
      190:20: sexagesimal key
    """

    @Test func trickyScalarsResolveAsInAHandWrittenFile() throws {
        let inventoryTool = try Self.tool("ansible-inventory"), ansible = try Self.tool("ansible")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let site = try compile(Self.site(vars: Self.tricky))
        try OutputDirectory.write(buildAll(site, targets: [.kubespray]), to: dir.file("igncc"))
        // The same tree, but with the user's text pasted by hand after igncc's own variables.
        let bare = try compile(minimalSite + "kubernetes: {}\n")
        try OutputDirectory.write(buildAll(bare, targets: [.kubespray]), to: dir.file("hand"))
        let clusterVars = dir.file("hand/kubespray/group_vars/k8s_cluster/k8s-cluster.yml")
        let own = try String(contentsOfFile: clusterVars, encoding: .utf8)
        try (own + Self.tricky + "\n").write(toFile: clusterVars, atomically: false, encoding: .utf8)

        func host(_ tree: String) throws -> String {
            let result = try Self.ansible(inventoryTool, ["-i", dir.file("\(tree)/kubespray/inventory.ini"), "--host", "node1"], home: dir)
            #expect(result.status == 0, "\(tree): \(result.stderr)")
            return result.stdout
        }
        func types(_ tree: String) throws -> String {
            let names = Self.tricky.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("t_"), let colon = line.firstIndex(of: ":") else { return nil }
                return String(line[..<colon])
            }
            let expression = "{{ [" + names.joined(separator: ", ") + "] | map('type_debug') | list }} "
                + "{{ keys_map.keys() | map('type_debug') | list }}"
            let result = try Self.ansible(ansible, ["-i", dir.file("\(tree)/kubespray/inventory.ini"), "node1", "-m", "debug",
                                                    "-a", "msg=\"\(expression)\""], home: dir)
            #expect(result.status == 0, "\(tree): \(result.stdout) \(result.stderr)")
            return result.stdout
        }
        let ours = try host("igncc"), theirs = try host("hand")
        #expect(ours == theirs)
        #expect(try types("igncc") == types("hand"))
        // And what Ansible holds is YAML 1.1's reading, not YAML 1.2's or a re-serialised one.
        for expected in [#""t_exp": "1e3""#, #""t_sexagesimal": 685230"#, #""t_inf": Infinity"#, #""t_yaml12_octal": "0o17""#,
                         #""t_octal": 15"#, #""t_not_octal": "08""#, #""t_y": "y""#, #""t_on": true"#, #""t_str_tag": "123""#,
                         #""t_keep": "keep\n\n""#, #""t_leading_space": "  starts with spaces\n""#,
                         #""t_multiline_plain": "first second\nthird""#, #""9000": "int key""#] {
            #expect(ours.contains(expected), "\(expected)")
        }
        let keyTypes = try types("igncc")
        #expect(keyTypes.contains("['int', 'AnsibleUnicode', 'int', 'bool', 'float', 'AnsibleUnicode', 'int']"), "\(keyTypes)")
    }

    @Test func tagsAnsibleCannotHoldAreRefused() {
        let problems = diagnose(Self.site(vars: """
        a: !custom x
        b: !!binary aGVsbG8=
        c: !vault plain-text
        d: !vault [x]
        e: !!int twelve
        f: !!bool maybe
        9000: int-named
        nested: {k: !!timestamp 2024-01-01, k: again}
        g: =

        """))
        #expect(problems == [
            "site.yaml:21:8: error: tag '!custom' is not passed to Ansible; use '!vault', '!unsafe' or one of YAML's '!!str', '!!int', '!!float', '!!bool', '!!null', '!!seq', '!!map'",
            "site.yaml:22:8: error: tag '!!binary' is not passed to Ansible; use '!vault', '!unsafe' or one of YAML's '!!str', '!!int', '!!float', '!!bool', '!!null', '!!seq', '!!map'",
            "site.yaml:23:8: error: '!vault' value is not ansible-vault data (it must start with '$ANSIBLE_VAULT;')",
            "site.yaml:24:8: error: '!vault' applies to a scalar (an ansible-vault block), found a list",
            "site.yaml:25:8: error: '!!int' value 'twelve' is not a 64-bit integer",
            "site.yaml:26:8: error: '!!bool' value 'maybe' is not one of yes, no, true, false, on, off",
            "site.yaml:27:5: error: variable name '9000' in 'kubernetes.vars' is read by Ansible as an integer; variable names are strings (quote it)",
            "site.yaml:28:17: error: tag '!!timestamp' is not passed to Ansible; use '!vault', '!unsafe' or one of YAML's '!!str', '!!int', '!!float', '!!bool', '!!null', '!!seq', '!!map'",
            "site.yaml:28:41: error: duplicate key 'k' in 'kubernetes.vars' (Ansible would keep only the last)",
            "site.yaml:28:14: note: 'k' first defined here",
            "site.yaml:29:8: error: a plain '=' is YAML 1.1's value key, which Ansible cannot read; quote it",
        ])
    }
}
