import Foundation
import Testing
@testable import IgnitionCompiler

/// `igncc butane` and `igncc validate` as drop-ins for butane and ignition-validate.
@Suite struct ButaneCommandTests {
    static let unit = """
        variant: fcos
        version: 1.5.0
        systemd:
          units:
            - name: hello.service
              enabled: true
              contents: |
                [Service]
                ExecStart=/usr/bin/echo hello
                [Install]
                WantedBy=multi-user.target

        """

    @Test func readsStandardInputAndWritesStandardOutput() throws {
        let result = try runProcess(TestPaths.binary, ["butane"], input: Self.unit)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout == #"{"ignition":{"version":"3.4.0"},"systemd":{"units":[{"contents":"[Service]\nExecStart=/usr/bin/echo hello\n[Install]\nWantedBy=multi-user.target\n","enabled":true,"name":"hello.service"}]}}"# + "\n")
        let pretty = try runProcess(TestPaths.binary, ["butane", "--pretty"], input: Self.unit)
        #expect(pretty.stdout.hasPrefix("{\n  \"ignition\": {\n    \"version\": \"3.4.0\"\n  },\n"))
    }

    @Test func unknownKeysWarnAndFailOnlyWhenStrict() throws {
        let input = Self.unit + "storage:\n  filez: []\n"
        let lax = try runProcess(TestPaths.binary, ["butane"], input: input)
        #expect(lax.status == 0)
        #expect(lax.stderr == """
            <stdin>:13:3: warning: unused key filez
             13 |   filez: []
                |   ^
            1 warning generated.

            """)
        let strict = try runProcess(TestPaths.binary, ["butane", "--strict"], input: input)
        #expect(strict.status == 1)
        #expect(strict.stdout.isEmpty)
        #expect(strict.stderr.hasPrefix("<stdin>:13:3: error: unused key filez\n"))
    }

    @Test func writesFilesAndBatches() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("a.bu", Self.unit)
        try dir.write("b.bu", Self.unit.replacingOccurrences(of: "hello", with: "bye"))
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
        let one = try runProcess(TestPaths.binary, ["butane", "-o", dir.file("a.ign"), dir.file("a.bu")])
        #expect(one.status == 0 && one.stdout.isEmpty)
        let batch = try runProcess(TestPaths.binary, ["butane", "--output-dir", dir.file("out"), dir.file("a.bu"), dir.file("b.bu")])
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(try String(contentsOfFile: dir.file("out/a.ign"), encoding: .utf8) == String(contentsOfFile: dir.file("a.ign"), encoding: .utf8))
        #expect(try String(contentsOfFile: dir.file("out/b.ign"), encoding: .utf8).contains("bye.service"))
        let misuse = try runProcess(TestPaths.binary, ["butane", dir.file("a.bu"), dir.file("b.bu")])
        #expect(misuse.status != 0)
    }

    @Test func validateLocatesErrorsAndFails() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("bad.ign", """
            {
              "ignition": {"version": "3.4.0"},
              "storage": {"files": [{"path": "etc/motd"}]},
              "extra": 1
            }

            """)
        let result = try runProcess(TestPaths.binary, ["validate", dir.file("bad.ign")])
        #expect(result.status == 1)
        #expect(result.stderr == """
            \(dir.file("bad.ign")):3:34: error: path not absolute
             3 |   "storage": {"files": [{"path": "etc/motd"}]},
               |                                  ^
            \(dir.file("bad.ign")):4:3: warning: unused key extra
             4 |   "extra": 1
               |   ^
            1 error and 1 warning generated.

            """)
        try dir.write("good.ign", #"{"ignition":{"version":"3.0.0"},"storage":{"files":[{"path":"/etc/motd"}]}}"#)
        let good = try runProcess(TestPaths.binary, ["validate", dir.file("good.ign")])
        #expect(good.status == 0 && good.stderr.isEmpty)
        try dir.write("v36.ign", #"{"ignition":{"version":"3.6.0"}}"#)
        try dir.write("v37.ign", #"{"ignition":{"version":"3.7.0-experimental"}}"#)
        let newest = try runProcess(TestPaths.binary, ["validate", dir.file("v36.ign"), dir.file("v37.ign")])
        #expect(newest.status == 0 && newest.stderr.isEmpty, "\(newest.stderr)")
        try dir.write("new.ign", #"{"ignition":{"version":"3.6.0-experimental"}}"#)
        let unsupported = try runProcess(TestPaths.binary, ["validate", dir.file("new.ign")])
        #expect(unsupported.status == 1)
        #expect(unsupported.stderr.contains("error: unsupported config version"))
    }

    /// yaml.v3 applies a merge key (`<<: *anchor`) under the keys written beside it; butane still
    /// warns that `<<` is unused (so --strict refuses it: invalid/179).
    @Test func mergeKeysApplyAsInButane() throws {
        let text = """
            variant: fcos
            version: 1.6.0
            storage:
              files:
                - &base {path: /etc/a, mode: 0600, user: {id: 1000}}
                - <<: *base
                  path: /etc/b
            """
        let result = Butane.translate(bytes: Array(text.utf8), file: "m.bu")
        #expect(result.diagnostics.all.map(\.message) == ["unused key <<"])
        let json = String(decoding: try #require(result.json()), as: UTF8.self)
        // butane v0.29.0 writes exactly this.
        #expect(json == #"{"ignition":{"version":"3.5.0"},"storage":{"files":[{"path":"/etc/a","user":{"id":1000},"mode":384},{"path":"/etc/b","user":{"id":1000},"mode":384}]}}"# + "\n")
    }

    /// Go's JSON decoder keeps the last of two equal keys; ignition-validate then checks that one.
    @Test func validateKeepsTheLastDuplicateKey() {
        let text = #"{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/a"}]},"storage":{"files":[{"path":"b"}]}}"#
        let diagnostics = IgnitionValidation.validate(bytes: Array(text.utf8), file: "d.ign").sorted
        #expect(diagnostics.map { "\($0.location!.line):\($0.location!.column): \($0.severity.rawValue): \($0.message)" } == [
            "1:69: warning: duplicate key 'storage': the last value is used",
            "1:97: error: path not absolute",
        ])
    }

    /// Everything `igncc build` writes passes `igncc validate` (ignition-validate's check runs in
    /// RealConsumerTests).
    @Test func everyBuiltConfigPassesValidate() throws {
        for sample in TestPaths.sampleNames() {
            let site = try #require(Compiler.load(path: TestPaths.samples.appendingPathComponent("\(sample)/site.yaml").path).compilable)
            for file in testBuild(site) where file.relativePath.hasSuffix(".ign") {
                let diagnostics = IgnitionValidation.validate(bytes: file.contents, file: file.relativePath)
                #expect(diagnostics.all.isEmpty, "\(sample)/\(file.relativePath): \(diagnostics.all)")
            }
        }
    }
}
