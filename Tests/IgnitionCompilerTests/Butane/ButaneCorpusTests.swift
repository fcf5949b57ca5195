import Foundation
import Testing
@testable import IgnitionCompiler

/// The Butane corpus: each `valid/*.bu` beside the Ignition the real butane (v0.29.0) wrote for it,
/// recorded once with `butane --strict --files-dir files-dir`, and each `docs/*.bu`, an example of
/// butane's public documentation as written, with `docs/files-dir`. igncc must give the same config
/// once data URLs (and gzip) are decoded: butane gzips large contents, igncc never does.
struct ButaneCorpusTests {
    static let directory = TestPaths.fixtures.appendingPathComponent("butane")
    static let filesDir = directory.appendingPathComponent("files-dir").path

    static func corpus(_ kind: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(kind).path)) ?? []
        return names.filter { $0.hasSuffix(".bu") }.sorted()
    }

    /// `valid/NAME` and `docs/NAME`, each read with its files directory.
    static func translatable() -> [String] {
        corpus("valid").map { "valid/" + $0 } + corpus("docs").map { "docs/" + $0 }
    }

    /// Those whose expected output is an Ignition config (`NAME.ign`); the openshift ones have a
    /// MachineConfig (`NAME.yaml`, see `ButaneOpenShiftTests`).
    static func ignitionEntries() -> [String] {
        translatable().filter { FileManager.default.fileExists(atPath: directory.appendingPathComponent("\($0.dropLast(3)).ign").path) }
    }

    static func filesDirectory(of entry: String) -> String {
        entry.hasPrefix("docs/") ? directory.appendingPathComponent("docs/files-dir").path : filesDir
    }

    @Test(arguments: ignitionEntries())
    func translatesLikeButane(_ entry: String) throws {
        let path = Self.directory.appendingPathComponent(entry).path
        let name = String(entry.split(separator: "/").last!)
        let expectedPath = String(path.dropLast(3)) + ".ign"
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let result = Butane.translate(bytes: bytes, file: name,
                                      options: ButaneOptions(strict: true, filesDirectory: Self.filesDirectory(of: entry)))
        let rendered = result.diagnostics.sorted.map { DiagnosticRenderer(sources: [:]).render($0) }.joined()
        #expect(result.diagnostics.all.isEmpty, "\(rendered)")
        let ours = try #require(result.json())
        let theirs = try Data(contentsOf: URL(fileURLWithPath: expectedPath))
        let a = try IgnitionNormalizer.canonical(Data(ours))
        let b = try IgnitionNormalizer.canonical(theirs)
        #expect(a == b, "igncc:\n\(a)\nbutane:\n\(b)")
    }

    /// `--target butane` writes Butane back from Ignition: each expected config of the corpus,
    /// written as Butane and translated again, is the same config.
    @Test(arguments: ignitionEntries())
    func butaneWriterRoundTrips(_ entry: String) throws {
        let path = Self.directory.appendingPathComponent("\(entry.dropLast(3)).ign").path
        let name = String(entry.split(separator: "/").last!)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var diagnostics = Diagnostics()
        let root = try #require(JSONParser().parse(bytes, file: name, diagnostics: &diagnostics))
        let versionText = try #require(JSONValueProbe.version(of: bytes))
        let version = try #require(IgnitionSpecVersion(string: versionText))
        // The fcos spec of that Ignition version (experimental ones included: 3.7.0-experimental).
        let spec = try #require(ButaneSpec.all.last { $0.variant == .fcos && $0.ignition == version })
        var reader = ConfigReader(dialect: .ignition(version))
        let config = reader.read(root, as: "Config")
        #expect(reader.diagnostics.all.isEmpty)
        let document = ButaneWriter.document(ConfigRenderer.json(config, version: version), spec: spec, comment: "round trip")
        let again = Butane.translate(bytes: Array(document.utf8), file: "written.bu", options: ButaneOptions(strict: true))
        #expect(again.diagnostics.all.isEmpty, "\(again.diagnostics.all)\n\(document)")
        let json = try #require(again.json())
        #expect(try IgnitionNormalizer.canonical(Data(json)) == IgnitionNormalizer.canonical(Data(bytes)), "\(document)")
        // With a reference butane at hand (not in CI), it must read the document the same way.
        if let butane = ProcessInfo.processInfo.environment["IGNCC_REF_BUTANE"] {
            let result = try runProcess(butane, ["--strict"], input: document)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try IgnitionNormalizer.canonical(Data(result.stdout.utf8)) == IgnitionNormalizer.canonical(Data(bytes)))
        }
    }

    /// Every Ignition config butane wrote for the corpus passes `igncc validate` silently, as it
    /// passed ignition-validate v2.26.0 when recorded.
    @Test(arguments: ignitionEntries())
    func expectedConfigsValidate(_ entry: String) throws {
        let path = Self.directory.appendingPathComponent("\(entry.dropLast(3)).ign").path
        let result = IgnitionValidation.validate(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), file: path)
        #expect(result.all.isEmpty, "\(result.all.map(\.message))")
    }

    @Test func corpusIsLarge() {
        #expect(Self.corpus("valid").count >= 60)
        #expect(Self.corpus("invalid").count >= 50)
        #expect(Self.corpus("docs").count >= 59)
    }

    /// Every variant and version igncc translates has configs in the corpus.
    @Test func everySpecHasConfigs() throws {
        var seen = Set<String>()
        for entry in Self.translatable() {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(entry), encoding: .utf8)
            let lines = text.split(separator: "\n")
            let variant = lines.first { $0.hasPrefix("variant: ") }?.dropFirst("variant: ".count)
            let version = lines.first { $0.hasPrefix("version: ") }?.dropFirst("version: ".count)
            if let variant, let version { seen.insert("\(variant) \(version)") }
        }
        for spec in ButaneSpec.all {
            #expect(seen.contains(spec.name), "no corpus config for \(spec.name)")
        }
    }

    /// A field its spec lacks, one file per family (nodes, resources, mount units, HTTP, LUKS,
    /// boot_device, grub, kernel arguments, local files, tree owners, quadlets, MachineConfig
    /// sections; fcos, flatcar, r4e, fiot and openshift):
    /// butane warns `unused key X` and drops the value; igncc refuses it even without --strict,
    /// at the key, naming the first spec that has it.
    @Test(arguments: corpus("invalid").filter { name in
        ["015", "024", "025", "026", "028", "029", "030", "031", "032", "189", "190", "191", "192", "193", "194", "195",
         "196", "197", "210", "211", "215", "216", "217", "240", "241", "242", "247"].contains(String(name.prefix(3)))
    })
    func fieldsOfOtherSpecsAreErrors(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent("invalid/\(name)")))
        let result = Butane.translate(bytes: bytes, file: name, options: ButaneOptions(strict: false, filesDirectory: Self.filesDir))
        #expect(result.json() == nil)
        let errors = result.diagnostics.all.filter { $0.severity == .error }
        #expect(!errors.isEmpty)
        for error in errors {
            #expect(error.message.hasPrefix("unused key "), "\(error.message)")
            #expect(error.message.contains(" or newer"), "\(error.message)")
            #expect(error.location != nil)
        }
    }

    /// A field of another spec is left out, as butane leaves it out, and the rest is still
    /// checked: butane's own rules and Ignition's are reported in the same run.
    @Test func otherSpecFieldsDoNotHideOtherProblems() {
        func report(_ text: String) -> [String] {
            let result = Butane.translate(bytes: Array(text.utf8), file: "x.bu")
            #expect(result.json() == nil)
            return result.diagnostics.sorted.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0): \($0.message)" }
        }
        // butane's own rules (here the layouts of fcos 1.5.0) are checked…
        #expect(report("variant: fcos\nversion: 1.5.0\nboot_device:\n  layout: s390x-eckd\n  luks:\n    device: /dev/dasda\n") == [
            "4:11: layout must be one of: aarch64, ppc64le, x86_64",
            "6:5: unused key device; 'device' needs fcos 1.6.0 or newer",
        ])
        // …and when they pass, Ignition's rules on the config written.
        #expect(report("variant: fcos\nversion: 1.0.0\nstorage:\n  trees: []\n  files:\n    - path: relative/path\n") == [
            "4:3: unused key trees; 'trees' needs fcos 1.1.0 or newer",
            "6:13: path not absolute",
        ])
    }

    /// Each `invalid/*.bu` is refused (with --strict, as butane was run), and igncc's report is
    /// exactly `NNN.igncc` (recorded with IGNCC_RECORD=1 after comparing it with butane's
    /// `NNN.expected`: same rule, same place, in igncc's FILE:LINE:COL form).
    @Test(arguments: corpus("invalid"))
    func refusesLikeButane(_ name: String) throws {
        let path = Self.directory.appendingPathComponent("invalid/\(name)").path
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let result = Butane.translate(bytes: bytes, file: name, options: ButaneOptions(strict: true, filesDirectory: Self.filesDir))
        #expect(result.json() == nil, "igncc accepted what butane refuses")
        #expect(result.diagnostics.hasErrors)
        let report = DiagnosticRenderer(sources: [name: String(decoding: bytes, as: UTF8.self)])
        let text = result.diagnostics.sorted.map(report.render).joined()
        let expectedPath = String(path.dropLast(3)) + ".igncc"
        if ProcessInfo.processInfo.environment["IGNCC_RECORD"] != nil {
            try text.write(toFile: expectedPath, atomically: true, encoding: .utf8)
            Issue.record("recorded \(expectedPath)")
            return
        }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
        #expect(text == expected)
    }
}

/// Makes two Ignition configs comparable: every data URL in a `source` is replaced by its decoded
/// bytes (gunzipped when `compression` is gzip), `compression` then dropped; keys sorted.
enum IgnitionNormalizer {
    static func canonical(_ json: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: json)
        let normalized = try normalize(object)
        let data = try JSONSerialization.data(withJSONObject: normalized, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static func normalize(_ value: Any) throws -> Any {
        if let list = value as? [Any] { return try list.map(normalize) }
        guard var object = value as? [String: Any] else { return value }
        for (key, inner) in object { object[key] = try normalize(inner) }
        if let source = object["source"] as? String, source.hasPrefix("data:") {
            guard var bytes = DataURL.decode(source) else { throw POSIXError(.EINVAL) }
            if (object["compression"] as? String) == "gzip" { bytes = try gunzip(bytes) }
            object["source"] = "decoded:" + Data(bytes).base64EncodedString()
            object["compression"] = nil
        }
        return object
    }

    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = dir.file("x.gz")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-d", file]
        try process.run()
        process.waitUntilExit()
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("x"))))
    }
}

enum JSONValueProbe {
    static func version(of bytes: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let ignition = object["ignition"] as? [String: Any] else { return nil }
        return ignition["version"] as? String
    }
}
