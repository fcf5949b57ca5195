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
        abstract: "Compile a site into the output directory, replacing it atomically.")

    @OptionGroup var options: SiteOptions

    @Option(name: .long, help: "What to build: \(TargetChoice.allValueStrings.joined(separator: ", ")).")
    var target: [TargetChoice] = [.all]

    @Option(name: .shortAndLong, help: "The output directory (replaced whole).")
    var output = "out"

    @Flag(name: .long, help: "Indent JSON output.")
    var pretty = false

    func run() throws {
        guard let loaded = options.loadAndReport() else { throw ExitCode.failure }
        let site = loaded.site
        var targets: [BuildTarget] = []
        for choice in target {
            for t in choice.targets where !targets.contains(t) { targets.append(t) }
        }
        // A target that describes others' files brings them along (install pins the configs' hashes).
        for case let backend as any DerivedBackend in InventoryGen.allBackends where targets.contains(backend.target) {
            for needed in backend.requires where !targets.contains(needed) { targets.append(needed) }
        }
        let problems = Compiler.check(site, targets: targets, explicit: !target.contains(.all),
                                      backends: InventoryGen.allBackends)
        DiagnosticPrinter(sources: loaded.sources).print(problems)
        if problems.hasErrors || (options.strict && !problems.all.isEmpty) { throw ExitCode.failure }
        let buildOptions = BuildOptions(targets: targets, pretty: pretty, date: .today(), previousOutput: output)
        let files = Compiler.build(site, options: buildOptions, backends: InventoryGen.allBackends)
        do {
            try OutputDirectory.write(files, to: output)
        } catch {
            printError("igncc: error: \(error)\n")
            throw ExitCode.failure
        }
        print("igncc: wrote \(files.count) files for \(site.hosts.count) hosts to \(output)")
    }
}
