import ArgumentParser
import Foundation
import IgnitionCompiler
import InventoryGen

extension BuildTarget: ExpressibleByArgument {}

/// `--target all` or one target; later issues add targets.
enum TargetChoice: ExpressibleByArgument, Equatable {
    case all
    case one(BuildTarget)

    init?(argument: String) {
        if argument == "all" {
            self = .all
        } else if let target = BuildTarget(rawValue: argument) {
            self = .one(target)
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] { ["all"] + BuildTarget.allCases.map(\.rawValue) }

    var targets: [BuildTarget] {
        switch self {
        case .all: return BuildTarget.allCases
        case .one(let target): return [target]
        }
    }
}

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile a site into the output directory, replacing it atomically.",
        discussion: """
            With --target X (not all), the new tree holds X's files built afresh and the other \
            targets' files of the previous tree as they were; --prune leaves those out instead.
            """)

    @OptionGroup var options: SiteOptions

    @Option(name: .long, help: "What to build: \(TargetChoice.allValueStrings.joined(separator: ", ")).")
    var target: [TargetChoice] = [.all]

    @Option(name: .shortAndLong, help: "The output directory (replaced atomically).")
    var output = "out"

    @Flag(name: .long, help: "Indent JSON output.")
    var pretty = false

    @Flag(name: .long, help: "Leave out of the new tree the files of targets not built (kept by default).")
    var prune = false

    func run() throws {
        guard let loaded = options.loadAndReport() else { throw ExitCode.failure }
        let site = loaded.site
        let backends = InventoryGen.allBackends
        var targets: [BuildTarget] = []
        for choice in target {
            for t in choice.targets where !targets.contains(t) { targets.append(t) }
        }
        // A target that describes others' files brings them along (install pins the configs' hashes).
        for case let backend as any DerivedBackend in backends where targets.contains(backend.target) {
            for needed in backend.requires where !targets.contains(needed) { targets.append(needed) }
        }
        let asked = targets
        let previous: PreviousTree?
        do {
            previous = try PreviousTree.read(output)
        } catch {
            printError("igncc: error: \(error)\n")
            throw ExitCode.failure
        }
        // `all` and --prune make the tree exactly the targets built; otherwise the previous
        // tree's other targets are kept, and those describing a rebuilt target are rebuilt with it.
        var kept: [BuildTarget] = []
        if let previous, previous.hasChecksums, !prune && !target.contains(.all) {
            for dependent in Compiler.dependents(of: targets, backends: backends)
            where previous.targets.contains(dependent) && !targets.contains(dependent) {
                targets.append(dependent)
            }
            kept = previous.targets.filter { !targets.contains($0) }
            if !kept.isEmpty, let stray = previous.unowned.first {
                printError("igncc: error: '\(output)/\(stray)' is listed in \(Checksums.fileName) but belongs to no target; "
                           + "build with --prune or --target all to replace the tree whole\n")
                throw ExitCode.failure
            }
        }
        // Targets rebuilt only because the tree has them (install with ignition) were not asked
        // for by name: they are judged as in a full build (a skip is a warning, not an error).
        let brought = targets.filter { !asked.contains($0) }
        targets = BuildTarget.allCases.filter(targets.contains)
        var problems = Compiler.check(site, targets: asked, explicit: !target.contains(.all), backends: backends)
        problems.append(contentsOf: Compiler.check(site, targets: brought, explicit: false, backends: backends).all)
        DiagnosticPrinter(sources: loaded.sources).print(problems)
        if problems.hasErrors || (options.strict && !problems.all.isEmpty) { throw ExitCode.failure }
        let buildOptions = BuildOptions(targets: targets, pretty: pretty, date: .today(), previousOutput: output,
                                        treeState: previous?.state ?? TreeState())
        let files: [OutputFile]
        do {
            let keptFiles = try previous?.files(of: kept) { target in
                "rebuild it (--target \(target.rawValue)) or drop it (--prune, or igncc clean \(target.rawValue))"
            } ?? []
            files = Compiler.buildTree(site, options: buildOptions, keeping: keptFiles, backends: backends)
            try OutputDirectory.write(files, to: output)
        } catch {
            printError("igncc: error: \(error)\n")
            throw ExitCode.failure
        }
        let count = files.filter { $0.relativePath != TreeState.fileName }.count
        var summary = "igncc: wrote \(count) files for \(site.hosts.count) hosts to \(output)"
        if !kept.isEmpty {
            summary += " (built \(targets.map(\.rawValue).joined(separator: ", ")); "
                + "kept \(kept.map(\.rawValue).joined(separator: ", ")))"
        }
        print(summary)
    }
}
