import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// `samples/<name>/site.yaml` → `Fixtures/<name>/`, byte for byte. With IGNCC_RECORD=1 the
/// fixtures are rewritten and the test still fails, so a recording is always a reviewed diff.
@Suite struct ReferenceTests {
    static let recording = ProcessInfo.processInfo.environment["IGNCC_RECORD"] == "1"

    @Test(arguments: TestPaths.sampleNames())
    func sampleMatchesFixtures(_ sample: String) throws {
        let loaded = Compiler.load(path: TestPaths.samples.appendingPathComponent("\(sample)/site.yaml").path,
                                   displayName: "site.yaml", backends: InventoryGen.allBackends)
        #expect(loaded.diagnostics.all.isEmpty)
        let site = try #require(loaded.compilable)
        let files = buildAll(site)
        let expected = TestPaths.fixtures.appendingPathComponent(sample).path

        if Self.recording {
            try? FileManager.default.removeItem(atPath: expected)
            try OutputDirectory.write(files, to: expected)
            try FileManager.default.removeItem(atPath: expected + "/" + OutputDirectory.markerName)
            Issue.record("recorded \(files.count) files into \(expected); review the diff and run again without IGNCC_RECORD")
            return
        }

        let actual = try TemporaryDirectory()
        defer { actual.remove() }
        try OutputDirectory.write(files, to: actual.file("out"))
        try FileManager.default.removeItem(atPath: actual.file("out/\(OutputDirectory.markerName)"))
        let produced = try tree(actual.file("out"))
        let recorded = try tree(expected)
        if produced != recorded {
            let diff = try runProcess("/usr/bin/env", ["git", "diff", "--no-index", "--stat", "-p", expected, actual.file("out")])
            Issue.record("output of sample '\(sample)' differs from its fixtures (IGNCC_RECORD=1 re-records):\n\(diff.stdout)")
        }
    }

    /// Relative path → contents, for every file below `root`.
    private func tree(_ root: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { result[path] = FileManager.default.contents(atPath: root + "/" + path) }
        }
        return result
    }

    /// Two builds of the same site, in two processes, give the same bytes.
    @Test func buildsAreDeterministicAcrossProcesses() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let site = TestPaths.samples.appendingPathComponent("lacave/site.yaml").path
        for out in ["a", "b"] {
            let result = try runProcess(TestPaths.binary, ["build", site, "-o", dir.file(out)],
                                        environment: ["SOURCE_DATE_EPOCH": "1795392000"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let a = try String(contentsOfFile: dir.file("a/SHA512SUMS"), encoding: .utf8)
        let b = try String(contentsOfFile: dir.file("b/SHA512SUMS"), encoding: .utf8)
        #expect(a == b)
        // 4 Ignition configs, 4 Butane documents, 2 keyfiles and 4 .link files; Kubespray's
        // inventory.ini, 2 group_vars and 4 host_vars; 2 zones and named.conf.zones; 1 libvirt
        // network, 4 domains and lab.sh; dnsmasq's and Kea's configurations; hosts.json, README.txt,
        // 4 install and 4 iPXE scripts, 4 by-mac copies (one NIC each) and boot.ipxe.
        #expect(a.split(separator: "\n").count == 47)
    }
}
