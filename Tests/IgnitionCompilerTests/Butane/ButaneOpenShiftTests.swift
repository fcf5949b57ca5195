import Foundation
import Testing
@testable import IgnitionCompiler

/// The openshift variant against the corpus: each `valid/*-openshift-*.bu` and every example of
/// butane's docs/upgrading-openshift.md (`docs/upgrading-openshift-NN.bu`) beside what butane v0.29.0
/// wrote for it: the MachineConfig (`NAME.yaml`, `butane --strict --files-dir …`), the bare Ignition
/// of `-r` (`NAME.raw.ign`) and, when it warned, its report (`NAME.raw.expected`).
struct ButaneOpenShiftTests {
    static let directory = ButaneCorpusTests.directory

    static func entries() -> [String] {
        ButaneCorpusTests.translatable().filter { exists("\($0.dropLast(3)).yaml") }
    }

    static func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(relative).path)
    }

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(relative), encoding: .utf8)
    }

    static func translate(_ entry: String, raw: Bool, strict: Bool) throws -> ButaneResult {
        let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(entry)))
        let name = String(entry.split(separator: "/").last!)
        return Butane.translate(bytes: bytes, file: name, options: ButaneOptions(
            strict: strict, filesDirectory: ButaneCorpusTests.filesDirectory(of: entry), raw: raw))
    }

    @Test func corpusCoversEveryOpenShiftSpec() throws {
        let versions = try Set(Self.entries().map { entry in
            try Self.read(entry).split(separator: "\n").first { $0.hasPrefix("version: ") }.map { String($0.dropFirst(9)) }
        })
        for spec in ButaneSpec.all where spec.variant == .openshift {
            #expect(versions.contains(spec.version), "no corpus config for \(spec.name)")
        }
        // Every example of butane's upgrading-openshift.md.
        #expect(Self.entries().filter { $0.hasPrefix("docs/") }.count == 15)
    }

    /// The MachineConfig equals butane's as data (the Ignition config inside once data URLs are
    /// decoded), and as text: byte for byte, but for the contents butane gzipped (4.10.0 on).
    @Test(arguments: entries())
    func machineConfigLikeButane(_ entry: String) throws {
        let result = try Self.translate(entry, raw: false, strict: true)
        #expect(result.diagnostics.all.isEmpty, "\(result.diagnostics.all.map(\.message))")
        #expect(result.isMachineConfig)
        let ours = String(decoding: try #require(result.output()), as: UTF8.self)
        let theirs = try Self.read("\(entry.dropLast(3)).yaml")
        let a = try MachineConfigData(ours), b = try MachineConfigData(theirs)
        #expect(a.resource == b.resource)
        #expect(a.config == b.config)
        #expect(Self.withoutContents(ours) == Self.withoutContents(theirs))
        if !theirs.contains("compression: gzip") {
            #expect(ours == theirs)
        }
    }

    /// The lines of a MachineConfig but those of file contents (`source: data:…`, `compression:`).
    static func withoutContents(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { line in
            var body = line.drop { $0 == " " }
            if body.hasPrefix("- ") { body = body.dropFirst(2) }
            return !body.hasPrefix("source: data:") && !body.hasPrefix("compression: ")
        }
    }

    /// `-r`: the bare Ignition config equals butane's, and the warnings of the `openshift`
    /// settings it leaves out are butane's, at the same places.
    @Test(arguments: entries())
    func rawLikeButane(_ entry: String) throws {
        let result = try Self.translate(entry, raw: true, strict: false)
        #expect(!result.isMachineConfig)
        let json = try #require(result.output())
        let expected = try Data(contentsOf: Self.directory.appendingPathComponent("\(entry.dropLast(3)).raw.ign"))
        #expect(try IgnitionNormalizer.canonical(Data(json)) == IgnitionNormalizer.canonical(expected))
        let name = String(entry.split(separator: "/").last!)
        let report = "\(entry.dropLast(3)).raw.expected"
        let theirs = Self.exists(report) ? ButaneReport.parse(try Self.read(report), file: name) : []
        let ours = result.diagnostics.sorted.map { d in
            "\(d.location?.line ?? 0):\(d.location?.column ?? 0): \(d.severity == .error ? "error" : "warning"): \(d.message)"
        }
        #expect(ours == theirs)
        #expect(theirs.allSatisfy { $0.hasSuffix("warning: field ignored in raw mode") })
    }

    /// What butane wrote passes `igncc validate` silently: the raw config, and the config inside
    /// the MachineConfig (both passed ignition-validate v2.26.0 when recorded).
    @Test(arguments: entries())
    func expectedConfigsValidate(_ entry: String) throws {
        let raw = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent("\(entry.dropLast(3)).raw.ign")))
        #expect(IgnitionValidation.validate(bytes: raw, file: "raw.ign").all.map(\.message) == [])
        let config = try MachineConfigData(Self.read("\(entry.dropLast(3)).yaml")).configJSON
        #expect(IgnitionValidation.validate(bytes: [UInt8](config), file: "spec.config").all.map(\.message) == [])
    }

    /// Kubernetes reads the MachineConfig: `kubectl kustomize` (sigs.k8s.io/yaml, as kubectl and
    /// the API server read it) finds a MachineConfig of that name and role, whose `spec.config` is
    /// the Ignition config butane writes with `-r`, and whose other settings are butane's.
    @Test(arguments: entries())
    func kubernetesReadsTheMachineConfig(_ entry: String) throws {
        let kubectl = try #require(which("kubectl"), "kubectl (shipped with this machine image) reads the MachineConfigs")
        let result = try Self.translate(entry, raw: false, strict: true)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("machineconfig.yaml", String(decoding: try #require(result.output()), as: UTF8.self))
        try dir.write("kustomization.yaml", "resources:\n  - machineconfig.yaml\n")
        let read = try runProcess(kubectl, ["kustomize", dir.path])
        #expect(read.status == 0, "\(read.stderr)")
        let seen = try MachineConfigData(read.stdout)
        let butane = try MachineConfigData(Self.read("\(entry.dropLast(3)).yaml"))
        #expect(seen.value["kind"] as? String == "MachineConfig")
        #expect(seen.value["apiVersion"] as? String == "machineconfiguration.openshift.io/v1")
        #expect(seen.resource == butane.resource)
        let raw = try Data(contentsOf: Self.directory.appendingPathComponent("\(entry.dropLast(3)).raw.ign"))
        #expect(try IgnitionNormalizer.canonical(seen.configJSON) == IgnitionNormalizer.canonical(raw))
    }
}

/// A MachineConfig document read as data, as yaml.v3 (and so butane, and Kubernetes' reader of
/// numbers like `1e+06`) reads it: the resource without its Ignition config, and the config
/// with data URLs decoded (`IgnitionNormalizer`).
struct MachineConfigData {
    let value: [String: Any]
    let resource: String
    let configJSON: Data
    let config: String

    init(_ text: String) throws {
        var diagnostics = Diagnostics()
        let root = try #require(YAMLParser().parse(Array(text.utf8), file: "machineconfig.yaml", diagnostics: &diagnostics),
                                "\(diagnostics.all.map(\.message))")
        value = try #require(Self.data(root) as? [String: Any])
        var spec = try #require(value["spec"] as? [String: Any])
        configJSON = try JSONSerialization.data(withJSONObject: try #require(spec["config"]), options: [.sortedKeys])
        spec["config"] = nil
        var rest = value
        rest["spec"] = spec
        resource = String(decoding: try JSONSerialization.data(withJSONObject: rest, options: [.sortedKeys]), as: UTF8.self)
        config = try IgnitionNormalizer.canonical(configJSON)
    }

    static func data(_ node: YAMLNode) -> Any {
        switch node.kind {
        case .mapping(let pairs):
            var object: [String: Any] = [:]
            for (key, value) in pairs { object[key.scalar ?? ""] = data(value) }
            return object
        case .sequence(let items):
            return items.map(data)
        case .scalar(let text, _):
            guard node.isPlainScalar else { return text }
            switch ConfigReader.resolvePlain(text) {
            case .null: return NSNull()
            case .bool(let flag): return flag
            case .int: return ConfigReader.yamlInteger(text) ?? text
            case .float:
                guard let number = Double(text) else { return text }
                return number.rounded() == number && abs(number) < 9e18 ? Int(number) as Any : number
            default: return text
            }
        }
    }
}

/// butane's own report (`error[$.path]:`, `--> FILE:LINE:COL`, the message after the carets),
/// as `LINE:COL: severity: message` lines sorted by position.
enum ButaneReport {
    static func parse(_ text: String, file: String) -> [String] {
        var entries: [(line: Int, column: Int, text: String)] = []
        var severity = "", line = 0, column = 0
        for row in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if row.hasPrefix("error[") || row.hasPrefix("warning[") {
                severity = row.hasPrefix("error") ? "error" : "warning"
            } else if let range = row.range(of: "--> \(file):") {
                let numbers = row[range.upperBound...].split(separator: ":").compactMap { Int($0) }
                if numbers.count == 2 { (line, column) = (numbers[0], numbers[1]) }
            } else if let bar = row.firstIndex(of: "|"), row[row.index(after: bar)...].drop(while: { $0 == " " }).hasPrefix("^") {
                let message = row[row.index(after: bar)...].drop { $0 == " " || $0 == "^" }
                entries.append((line, column, "\(line):\(column): \(severity): \(message)"))
            }
        }
        return entries.sorted { ($0.line, $0.column, $0.text) < ($1.line, $1.column, $1.text) }.map(\.text)
    }
}
