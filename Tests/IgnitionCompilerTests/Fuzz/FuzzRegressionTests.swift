import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// Every file in `Fixtures/fuzz/<target>/` through what `fuzz/<target>.swift` runs: inputs the
/// fuzzers found (crash-*, timeout-*, slow-*) and the hand-made edge cases of
/// `fuzz/gen-edge-cases.py` (limits of nesting, aliases and scalars; big legal sites). None may
/// crash. Time is not asserted here (no timed unit tests): the 1 s hang limit is libFuzzer's
/// `-timeout=1`, and `fuzz/run replay` runs these same files through the fuzzers with it.
struct FuzzRegressionTests {
    static let directory = TestPaths.fixtures.appendingPathComponent("fuzz")

    static func inputs(_ target: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(target).path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    static func bytes(_ target: String, _ name: String) throws -> [UInt8] {
        let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent("\(target)/\(name)")))
        #expect(bytes.count <= 65536, "fuzz inputs are at most 64 KiB (libFuzzer's -max_len)")
        return bytes
    }

    /// Runs `body` once (a crash fails the whole run).
    static func timed(_ name: String, _ body: () -> Void) {
        body()
    }

    @Test func everyTargetHasInputs() {
        for target in ["yaml", "site", "butane"] { #expect(!Self.inputs(target).isEmpty, "\(target)") }
    }

    /// fuzz/yaml.swift
    @Test(arguments: inputs("yaml"))
    func yaml(_ name: String) throws {
        let bytes = try Self.bytes("yaml", name)
        Self.timed(name) {
            var diagnostics = Diagnostics()
            _ = YAMLParser().parse(bytes, file: "fuzz.yaml", diagnostics: &diagnostics)
            var butane = YAMLParser()
            butane.firstDocumentOnly = true
            butane.requireYAML11 = true
            _ = butane.parse(bytes, file: "fuzz.yaml", diagnostics: &diagnostics)
            let renderer = DiagnosticRenderer(sources: ["fuzz.yaml": String(decoding: bytes, as: UTF8.self)])
            for diagnostic in diagnostics.sorted { _ = renderer.render(diagnostic) }
        }
    }

    /// fuzz/site.swift
    @Test(arguments: inputs("site"))
    func site(_ name: String) throws {
        let bytes = try Self.bytes("site", name)
        let baseDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("igncc-fuzz-site-\(UUID())").path
        try FileManager.default.createDirectory(atPath: baseDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: baseDirectory) }
        Self.timed(name) {
            let backends = InventoryGen.allBackends
            let loaded = Compiler.load(bytes: bytes, displayName: "site.yaml", baseDirectory: baseDirectory, backends: backends)
            var diagnostics = loaded.diagnostics
            if let site = loaded.compilable {
                let targets = BuildTarget.allCases
                diagnostics.append(contentsOf: Compiler.check(site, targets: targets, explicit: true, backends: backends).all)
                let options = BuildOptions(targets: targets, pretty: true, date: BuildDate(year: 2026, month: 1, day: 2))
                _ = testBuild(site, options: options, backends: backends)
            }
            let renderer = DiagnosticRenderer(sources: loaded.sources)
            for diagnostic in diagnostics.sorted { _ = renderer.render(diagnostic) }
        }
    }

    /// fuzz/butane.swift
    @Test(arguments: inputs("butane"))
    func butane(_ name: String) throws {
        let bytes = try Self.bytes("butane", name)
        Self.timed(name) {
            let result = Butane.translate(bytes: bytes, file: "fuzz.bu")
            var diagnostics = result.diagnostics
            if let json = result.json(pretty: true) {
                diagnostics.append(contentsOf: IgnitionValidation.validate(bytes: json, file: "fuzz.ign").all)
            }
            _ = Butane.translate(bytes: bytes, file: "fuzz.bu", options: ButaneOptions(strict: true))
            let renderer = DiagnosticRenderer(sources: ["fuzz.bu": String(decoding: bytes, as: UTF8.self)])
            for diagnostic in diagnostics.sorted { _ = renderer.render(diagnostic) }
        }
    }

    /// The link check of `dirs-links-1800.bu` was quadratic (each path against each link); the
    /// tree that replaced it must count exactly what `path.starts(with: link + "/")` counts.
    @Test func pathPrefixTreeCountsLikeStartsWith() {
        let paths = ["", "/", "//", "/a", "/a/", "/a/b", "/a/b/", "/a/b/c", "/a//b", "/ab/c", "a/b", "/a/b/c/d", "/\u{e9}/x", "/e\u{301}/x"]
        let tree = PathPrefixTree()
        for link in paths + ["/a/b"] { tree.insert(Array(link.utf8)) }
        for path in paths {
            let expected = (paths + ["/a/b"]).filter { path.utf8.starts(with: ($0 + "/").utf8) }.count
            #expect(tree.prefixCount(of: Array(path.utf8)) == expected, "\(path)")
        }
    }
}
