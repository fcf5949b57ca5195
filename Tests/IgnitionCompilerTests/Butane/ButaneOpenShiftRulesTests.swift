import Foundation
import Testing
@testable import IgnitionCompiler

/// The openshift variant's own rules, beyond the corpus comparison: what the MCO refuses is an
/// error without --strict, `-r` keeps butane's split between the checks it runs and the filters
/// it skips, and the command writes YAML, or JSON with `-r`.
struct ButaneOpenShiftRulesTests {
    static func header(_ version: String) -> String {
        """
        variant: openshift
        version: \(version)
        metadata:
          name: 99-worker-test
          labels:
            machineconfiguration.openshift.io/role: worker

        """
    }

    /// The Ignition config (also when a MachineConfig is written) and the report.
    static func report(_ text: String, raw: Bool = false) -> (json: [UInt8]?, lines: [String]) {
        let result = Butane.translate(bytes: Array(text.utf8), file: "x.bu", options: ButaneOptions(raw: raw))
        let lines = result.diagnostics.sorted.map { d in
            "\(d.location?.line ?? 0):\(d.location?.column ?? 0): \(d.severity == .error ? "error" : "warning"): \(d.message)"
        }
        return (result.json(), lines)
    }

    /// Each refusal of the corpus (invalid/218–239, 244) is an error even without --strict, at a
    /// place in the file: butane's errors, not warnings.
    @Test(arguments: ButaneCorpusTests.corpus("invalid").filter { name in
        guard let number = Int(name.prefix(3)) else { return false }
        return (218...239).contains(number) && number != 228 || number == 244
    })
    func refusalsAreErrorsWithoutStrict(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: ButaneCorpusTests.directory.appendingPathComponent("invalid/\(name)")))
        let result = Butane.translate(bytes: bytes, file: name,
                                      options: ButaneOptions(filesDirectory: ButaneCorpusTests.filesDir))
        #expect(result.output() == nil)
        let errors = result.diagnostics.all.filter { $0.severity == .error }
        #expect(!errors.isEmpty)
        #expect(errors.allSatisfy { $0.location != nil })
    }

    /// butane's filters of the MCO name MachineConfig paths, so `-r` (an Ignition config) skips
    /// them: groups are kept in the raw config. RHCOS's and the MCO's own checks, the metadata,
    /// and the CEX kernel argument still apply.
    @Test func rawSkipsOnlyTheMachineConfigFilters() {
        let groups = Self.header("4.14.0") + "passwd:\n  groups:\n    - name: admins\n"
        #expect(Self.report(groups).lines == ["9:5: error: groups are not supported in this spec version"])
        let raw = Self.report(groups, raw: true)
        #expect(raw.lines == [])
        #expect(String(decoding: raw.json ?? [], as: UTF8.self) == #"{"ignition":{"version":"3.4.0"},"passwd":{"groups":[{"name":"admins"}]}}"# + "\n")

        let btrfs = Self.header("4.14.0") + "storage:\n  filesystems:\n    - device: /dev/sdb\n      format: btrfs\n"
        #expect(Self.report(btrfs, raw: true).lines == ["10:15: error: btrfs is not supported in this spec version"])
        #expect(Self.report("variant: openshift\nversion: 4.8.0\n", raw: true).lines == [
            "1:1: error: metadata.name is required",
            "1:1: error: machineconfiguration.openshift.io/role label is required",
        ])
    }

    /// FIPS: a cipher for LUKS up to 4.19.0, in the raw config too; none from 4.20.0.
    @Test func fipsCipherUpTo419() {
        func options(_ version: String, raw: Bool) -> String {
            let text = Self.header(version) + "openshift:\n  fips: true\nstorage:\n  luks:\n    - name: data\n      device: /dev/sdb\n"
            let result = Butane.translate(bytes: Array(text.utf8), file: "x.bu", options: ButaneOptions(raw: raw))
            return String(decoding: result.json() ?? [], as: UTF8.self)
        }
        for raw in [false, true] {
            #expect(options("4.19.0", raw: raw).contains(#""options":["--cipher","aes-cbc-essiv:sha256"]"#))
            #expect(!options("4.20.0", raw: raw).contains("--cipher"))
        }
    }

    /// 4.23.0-experimental writes grub's user.cfg whole (the MCO refuses appends): an append of
    /// the user's own to that path is turned into contents too, as butane does; two are left alone.
    @Test func grubConfigWrittenWholeFrom423() {
        let one = Self.header("4.23.0-experimental") + "storage:\n  files:\n    - path: /boot/grub2/user.cfg\n      append:\n        - inline: x\n"
        let result = Self.report(one)
        #expect(result.lines == [])
        #expect(String(decoding: result.json ?? [], as: UTF8.self).contains(#""contents":{"compression":"","source":"data:,x"}"#))
        let two = one + "        - inline: y\n"
        #expect(Self.report(two).lines == ["11:9: error: appending to files is not supported in this spec version"])
    }

    /// The command: a MachineConfig on standard output, the bare Ignition with `-r` and butane's
    /// warnings of what it leaves out (errors with --strict), `<name>.yaml` with --output-dir.
    @Test func commandWritesMachineConfigsAndRawIgnition() throws {
        let text = Self.header("4.16.0") + "openshift:\n  kernel_arguments: [nosmt]\n"
        let yaml = try runProcess(TestPaths.binary, ["butane"], input: text)
        #expect(yaml.status == 0, "\(yaml.stderr)")
        #expect(yaml.stdout.hasPrefix("# Generated by Butane; do not edit\napiVersion: machineconfiguration.openshift.io/v1\nkind: MachineConfig\n"))
        #expect(yaml.stdout.hasSuffix("  kernelArguments:\n    - nosmt\n"))
        let raw = try runProcess(TestPaths.binary, ["butane", "-r"], input: text)
        #expect(raw.status == 0)
        #expect(raw.stdout == #"{"ignition":{"version":"3.4.0"}}"# + "\n")
        #expect(raw.stderr.hasPrefix("<stdin>:8:21: warning: field ignored in raw mode\n"))
        let strict = try runProcess(TestPaths.binary, ["butane", "--raw", "--strict"], input: text)
        #expect(strict.status == 1)
        #expect(strict.stdout.isEmpty)

        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("worker.yaml", text)
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
        let batch = try runProcess(TestPaths.binary, ["butane", "--output-dir", dir.file("out"), dir.file("worker.yaml")])
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(try String(contentsOfFile: dir.file("out/worker.yaml"), encoding: .utf8) == yaml.stdout)
        // Into its own directory, the MachineConfig would replace the Butane config it came from.
        let same = try runProcess(TestPaths.binary, ["butane", "--output-dir", dir.path, dir.file("worker.yaml")])
        #expect(same.status == 1)
        #expect(same.stderr.contains("cannot write '\(dir.file("worker.yaml"))': it is the input file"))
        #expect(try String(contentsOfFile: dir.file("worker.yaml"), encoding: .utf8) == text)
    }
}
