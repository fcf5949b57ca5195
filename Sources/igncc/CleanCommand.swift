import ArgumentParser
import IgnitionCompiler
import InventoryGen

/// `igncc clean TARGET… [-o DIR]`: removes targets' files from a tree igncc wrote, atomically
/// (the same staging and exchange as a build), rewriting `SHA512SUMS` and keeping the tree's state.
struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "Remove targets' files from the output directory, atomically, keeping the others.",
        discussion: "Removing ignition removes install too (it pins the configs' hashes). Zone serials are remembered.")

    @Argument(help: ArgumentHelp("The targets to remove (several, or a comma list): \(TargetNames.choices.joined(separator: ", ")).",
                                 valueName: "TARGET"),
              completion: .list(TargetNames.choices))
    var targets: [String]

    @Option(name: .shortAndLong, help: "The output directory.")
    var output = "out"

    func validate() throws {
        if targets.isEmpty { throw ValidationError("name at least one target to remove") }
        _ = try TargetNames(targets, what: "igncc clean")
    }

    func run() throws {
        let backends = InventoryGen.allBackends
        var removed = try TargetNames(targets, what: "igncc clean").targets
        removed += Compiler.dependents(of: removed, backends: backends)
        do {
            guard let previous = try PreviousTree.read(output), previous.hasChecksums else {
                throw CleanError(description: "'\(output)' is not a tree igncc wrote (it has no \(OutputDirectory.markerName) "
                                 + "or no \(Checksums.fileName)); refusing to clean it")
            }
            if let stray = previous.unowned.first {
                throw CleanError(description: "'\(output)/\(stray)' is listed in \(Checksums.fileName) but belongs to no target; "
                                 + "rebuild the tree with 'igncc build --target all' first")
            }
            let kept = previous.targets.filter { !removed.contains($0) }
            let gone = previous.targets.filter { removed.contains($0) }
            let files = try previous.files(of: kept) { target in
                "rebuild it (igncc build --target \(target.rawValue)) or remove it too (igncc clean \(target.rawValue))"
            }
            let tree = Compiler.assemble(files, state: previous.state, backends: backends)
            try OutputDirectory.write(tree, to: output)
            let left = tree.filter { $0.relativePath != TreeState.fileName }.count
            let what = gone.isEmpty ? "nothing to remove" : "removed " + gone.map(\.rawValue).joined(separator: ", ")
            print("igncc: \(what) in \(output); \(left) files left")
        } catch {
            printError("igncc: error: \(error)\n")
            throw ExitCode.failure
        }
    }
}

struct CleanError: Error, CustomStringConvertible {
    var description: String
}
