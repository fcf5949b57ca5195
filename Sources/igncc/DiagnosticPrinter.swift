import Foundation
import IgnitionCompiler

/// Prints diagnostics to standard error, in colour only on a terminal, with a count at the end.
struct DiagnosticPrinter {
    let renderer: DiagnosticRenderer

    init(sources: [String: String]) {
        let colour = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        renderer = DiagnosticRenderer(sources: sources, color: colour)
    }

    func print(_ diagnostics: Diagnostics) {
        let sorted = diagnostics.sorted
        var text = sorted.map(renderer.render).joined()
        let errors = sorted.filter { $0.severity == .error }.count
        let warnings = sorted.count - errors
        if errors + warnings > 0 {
            text += [plural(errors, "error"), plural(warnings, "warning")].compactMap { $0 }.joined(separator: " and ")
            text += " generated.\n"
        }
        printError(text)
    }

    private func plural(_ n: Int, _ word: String) -> String? {
        n == 0 ? nil : "\(n) \(word)\(n == 1 ? "" : "s")"
    }
}

func printError(_ text: String) {
    guard !text.isEmpty else { return }
    FileHandle.standardError.write(Data(text.utf8))
}
