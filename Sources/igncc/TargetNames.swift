import ArgumentParser
import IgnitionCompiler

/// The target names `igncc build --target` and `igncc clean` take: each value one name or a comma
/// list (`kubespray,bind-zone`), values repeatable; `all` is every target.
struct TargetNames: Equatable {
    static let all = "all"
    /// What may be named, in `BuildTarget` order after `all`.
    static let choices = [all] + BuildTarget.allCases.map(\.rawValue)

    /// The targets named, in the order first named, each once (`all` expands to every target).
    var targets: [BuildTarget] = []
    /// Whether `all` was named.
    var includesAll = false

    /// Reads `values`; `what` is how a usage error names the argument (`--target`, `igncc clean`).
    init(_ values: [String], what: String) throws(ValidationError) {
        for value in values {
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let name = String(part)
                if name == Self.all {
                    includesAll = true
                    for target in BuildTarget.allCases where !targets.contains(target) { targets.append(target) }
                } else if let target = BuildTarget(rawValue: name) {
                    if !targets.contains(target) { targets.append(target) }
                } else {
                    throw ValidationError(Self.unknown(name, in: value, what: what))
                }
            }
        }
    }

    /// `unknown target 'kubespary' for --target; did you mean 'kubespray'? (the targets: all, …)`.
    static func unknown(_ name: String, in value: String, what: String) -> String {
        var message = name.isEmpty ? "empty target name in '\(value)' for \(what)" : "unknown target '\(name)' for \(what)"
        if !name.isEmpty, let suggestion = Spelling.suggestion(for: name, among: choices) {
            message += "; did you mean '\(suggestion)'?"
        }
        return message + " (the targets: \(choices.joined(separator: ", ")); several may be given as a comma list)"
    }
}
