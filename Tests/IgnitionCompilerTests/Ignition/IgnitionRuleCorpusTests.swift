import Foundation
import Testing
@testable import IgnitionCompiler

/// Every rule of Ignition 3.6.0 (and 3.7.0-experimental, which has the same ones), each as a config
/// that breaks it (`NNN-rule.fail.ign`) and one that keeps it (`NNN-rule.pass.ign`), beside what
/// ignition-validate v2.26.0 printed for it (`.expected`, recorded once; see the README there).
/// `igncc validate` must find the same problems, with the same severities and messages, and fail
/// exactly when ignition-validate does; a passing config draws nothing at all. `.igncc` is igncc's
/// exact located report of a failing config (recorded with IGNCC_RECORD=1 after that comparison).
struct IgnitionRuleCorpusTests {
    static let directory = TestPaths.fixtures.appendingPathComponent("ignition")

    static func corpus() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".ign") }.sorted()
    }

    @Test(arguments: corpus())
    func validatesLikeIgnitionValidate(_ name: String) throws {
        let path = Self.directory.appendingPathComponent(name).path
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let result = IgnitionValidation.validate(bytes: bytes, file: name)
        let recorded = try Self.recorded(String(contentsOfFile: String(path.dropLast(4)) + ".expected", encoding: .utf8))
        let ours = result.all.map { Self.normalized($0.severity.rawValue, $0.message) }.sorted()
        #expect(ours == recorded.problems.sorted(), "ignition-validate: \(recorded.problems)")
        #expect(result.hasErrors == (recorded.status != 0))
        if name.hasSuffix(".pass.ign") {
            #expect(recorded.status == 0 && recorded.problems.isEmpty, "a passing case must pass ignition-validate silently")
            return
        }
        #expect(!recorded.problems.isEmpty, "a failing case must draw a problem from ignition-validate")
        let report = DiagnosticRenderer(sources: [name: String(decoding: bytes, as: UTF8.self)])
        let text = result.sorted.map(report.render).joined()
        let reportPath = String(path.dropLast(4)) + ".igncc"
        if ProcessInfo.processInfo.environment["IGNCC_RECORD"] != nil {
            try text.write(toFile: reportPath, atomically: true, encoding: .utf8)
            Issue.record("recorded \(reportPath)")
            return
        }
        #expect(text == (try String(contentsOfFile: reportPath, encoding: .utf8)))
    }

    /// Each rule comes as a failing and a passing config, in 3.6.0 and again in 3.7.0-experimental.
    @Test func everyRuleFailsAndPasses() {
        let names = Self.corpus()
        let rules = Set(names.map { String($0.dropLast(".fail.ign".count)) })
        for rule in rules {
            #expect(names.contains(rule + ".fail.ign") && names.contains(rule + ".pass.ign"), "\(rule)")
        }
        #expect(rules.count >= 200)
        #expect(rules.contains { $0.contains("-exp-") })
    }

    /// `# exit N`, then ignition-validate's report lines and its `couldn't parse config:` line.
    static func recorded(_ text: String) throws -> (status: Int, problems: [String]) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = try #require(lines.first?.split(separator: " ").last.flatMap { Int($0) })
        lines.removeFirst()
        let problems = lines.map { line -> String in
            if line.hasPrefix("couldn't parse config: ") {
                return normalized("error", String(line.dropFirst("couldn't parse config: ".count)))
            }
            // "error at $.path, line L col C: message" or "error at line L col C: message".
            let severity = String(line.prefix { $0 != " " })
            let message = line.range(of: ": ").map { String(line[$0.upperBound...]) } ?? line
            return normalized(severity, message)
        }
        return (header, problems)
    }

    /// A problem as "severity: message". Go's JSON type errors and igncc's own wording of them
    /// become the field's name alone: the two tools word a wrong type differently.
    static func normalized(_ severity: String, _ message: String) -> String {
        if message.hasPrefix("json: cannot unmarshal "), let field = message.components(separatedBy: "Go struct field ").last {
            let path = field.components(separatedBy: " of type").first ?? field
            return "\(severity): wrong type for '\(path.split(separator: ".").last ?? "")'"
        }
        if message.hasPrefix("expected "), let quoted = message.split(separator: "'").dropFirst().first {
            return "\(severity): wrong type for '\(quoted)'"
        }
        return "\(severity): \(message)"
    }
}
