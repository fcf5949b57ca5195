import ArgumentParser
import Foundation
import IgnitionCompiler
import InventoryGen

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile a site into the output directory, replacing it atomically.",
        discussion: """
            With --target X (not all), the new tree holds X's files built afresh and the other \
            targets' files of the previous tree as they were; --prune leaves those out instead. \
            Then 'reinstall:' names the hosts whose Ignition config changed against the tree \
            replaced ('added:' and 'removed:' the hosts whose config is new or gone); --dry-run \
            prints that and the files that would change, and writes nothing.
            """)

    @OptionGroup var options: SiteOptions

    @Option(name: .long, help: ArgumentHelp(
        "What to build (repeatable, or a comma list): \(TargetNames.choices.joined(separator: ", ")).", valueName: "TARGET"),
            completion: .list(TargetNames.choices))
    var target: [String] = [TargetNames.all]

    @Option(name: .shortAndLong, help: "The output directory (replaced atomically).")
    var output = "out"

    @Flag(name: .long, help: "Indent JSON output.")
    var pretty = false

    @Flag(name: .long, help: "Leave out of the new tree the files of targets not built (kept by default).")
    var prune = false

    @Flag(name: .long, help: "Check and build in memory, then print what would change in the output directory; write nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp(
        "The folder 'igncc serve --assets' serves: k3s files without a 'sha256' in site.yaml are hashed from it.", valueName: "DIR"))
    var assets: String?

    func validate() throws {
        _ = try TargetNames(target, what: "--target")
    }

    func run() throws {
        let names = try TargetNames(target, what: "--target")
        guard let loaded = options.loadAndReport() else { throw ExitCode.failure }
        let site = loaded.site
        let backends = InventoryGen.allBackends
        var targets = names.targets
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
        if let previous, previous.hasChecksums, !prune && !names.includesAll {
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
        var problems = Compiler.check(site, targets: asked, explicit: !names.includesAll, output: output, backends: backends)
        problems.append(contentsOf: Compiler.check(site, targets: brought, explicit: false, output: output, backends: backends).all)
        // A k3s site's nodes need the cluster token and k3s's hash: gathered once checks passed,
        // so a refused site never creates a token file.
        var k3s: (inputs: K3sBuildInputs, tokenCreated: Bool)?
        if site.isK3s, !problems.hasErrors, targets.contains(.ignition) || targets.contains(.butane) {
            k3s = K3sBuildInputs.gather(for: site, assets: assets, token: dryRun ? .readIfPresent : .readOrCreate,
                                        diagnostics: &problems)
        }
        DiagnosticPrinter(sources: loaded.sources).print(problems)
        if problems.hasErrors || (options.strict && !problems.all.isEmpty) { throw ExitCode.failure }
        if dryRun, k3s?.inputs.tokenIsStandIn == true {
            printError("igncc: dry run: the k3s token file '\(K3sBuildInputs.tokenFilePath(of: site))' does not exist yet; a build makes it, and every node's config holds it\n")
        }
        if k3s?.tokenCreated == true {
            printError("igncc: created the k3s token file '\(K3sBuildInputs.tokenFilePath(of: site))' (mode 0600): every node joins the cluster with it; keep it with site.yaml, out of version control\n")
        }
        let buildOptions = BuildOptions(targets: targets, pretty: pretty, date: .today(), previousOutput: output,
                                        treeState: previous?.state ?? TreeState(), k3s: k3s?.inputs)
        let files: [OutputFile]
        do {
            let keptFiles = try previous?.files(of: kept) { target in
                "rebuild it (--target \(target.rawValue)) or drop it (--prune, or igncc clean \(target.rawValue))"
            } ?? []
            files = Compiler.buildTree(site, options: buildOptions, keeping: keptFiles, backends: backends)
            if dryRun {
                try OutputDirectory.check(output)
            } else {
                try OutputDirectory.write(files, to: output)
            }
        } catch {
            printError("igncc: error: \(error)\n")
            throw ExitCode.failure
        }
        let count = files.filter { $0.relativePath != TreeState.fileName }.count
        var summary = "igncc: \(dryRun ? "dry run: would write" : "wrote") \(count) files for \(site.hosts.count) hosts to \(output)"
        if !kept.isEmpty {
            summary += " (built \(targets.map(\.rawValue).joined(separator: ", ")); "
                + "kept \(kept.map(\.rawValue).joined(separator: ", ")))"
        }
        if dryRun { summary += "; nothing written" }
        let changes = TreeChanges(previous: previous?.entries ?? [], tree: files)
        var lines = [summary] + Self.hostLines(changes, ignitionBuilt: targets.contains(.ignition))
        if dryRun { lines += Self.fileLines(changes) }
        print(lines.joined(separator: "\n"))
    }

    /// Which machines the new tree concerns: `reinstall:` those whose config changed (`none`),
    /// then `added:` and `removed:` hosts when there are any.
    static func hostLines(_ changes: TreeChanges, ignitionBuilt: Bool) -> [String] {
        func names(_ hosts: [String]) -> String { hosts.isEmpty ? "none" : hosts.joined(separator: " ") }
        var lines = ["reinstall: \(names(changes.reinstall))" + (ignitionBuilt ? "" : " (ignition not rebuilt)")]
        if !changes.addedHosts.isEmpty { lines.append("added: \(names(changes.addedHosts))") }
        if !changes.removedHosts.isEmpty { lines.append("removed: \(names(changes.removedHosts))") }
        return lines
    }

    /// `--dry-run`: each file the build would add, change or remove, in path order.
    static func fileLines(_ changes: TreeChanges) -> [String] {
        guard !changes.isEmpty else { return ["files: none would change"] }
        let all = changes.added.map { ("added  ", $0) } + changes.changed.map { ("changed", $0) } + changes.removed.map { ("removed", $0) }
        let header = "files: \(changes.added.count) added, \(changes.changed.count) changed, \(changes.removed.count) removed"
        return [header] + all.sorted { $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) }.map { "  \($0.0) \($0.1)" }
    }
}
