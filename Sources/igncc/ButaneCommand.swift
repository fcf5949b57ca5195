import ArgumentParser
import Foundation
import IgnitionCompiler

/// A drop-in for the butane CLI: Butane YAML in, Ignition JSON out.
struct ButaneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "butane",
        abstract: "Translate a Butane config (fcos 1.0.0 to 1.8.0-experimental, flatcar 1.0.0 to 1.2.0-experimental, r4e 1.0.0 to 1.2.0-experimental, fiot 1.0.0 to 1.1.0-experimental, openshift 4.8.0 to 4.23.0-experimental) to Ignition, or an openshift one to a MachineConfig, as butane does.")

    @Flag(name: .shortAndLong, help: "Fail on any warning.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Output formatted JSON.")
    var pretty = false

    @Flag(name: .shortAndLong, help: "Never wrap an openshift config in a MachineConfig; write the Ignition config.")
    var raw = false

    @Option(name: [.customShort("d"), .customLong("files-dir")], help: "Allow embedding local files from this directory.")
    var filesDir: String?

    @Option(name: .shortAndLong, help: "Write the Ignition config (or MachineConfig) to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("output-dir"),
            help: "Translate every FILE in one run, writing each as <name>.ign (a MachineConfig as <name>.yaml) in this directory.")
    var outputDirectory: String?

    @Argument(help: "The Butane config; standard input when omitted. Several with --output-dir.",
              completion: .file(extensions: ["bu", "yaml", "yml"]))
    var files: [String] = []

    func validate() throws {
        if outputDirectory == nil && files.count > 1 {
            throw ValidationError("several files need --output-dir")
        }
        if outputDirectory != nil && output != nil {
            throw ValidationError("--output and --output-dir exclude each other")
        }
    }

    func run() throws {
        if let outputDirectory {
            try runBatch(into: outputDirectory)
            return
        }
        guard let (bytes, name) = readInput(files.first ?? "-") else { throw ExitCode.failure }
        let result = Butane.translate(bytes: bytes, file: name, options: ButaneOptions(strict: strict, filesDirectory: filesDir, raw: raw))
        DiagnosticPrinter(sources: [name: String(decoding: bytes, as: UTF8.self)]).print(result.diagnostics)
        guard let document = result.output(pretty: pretty) else { throw ExitCode.failure }
        if let output {
            if let code = SystemError.writeFile(output, document) {
                printError("error: cannot write '\(output)': \(SystemError.text(code))\n")
                throw ExitCode.failure
            }
        } else {
            FileHandle.standardOutput.write(Data(document))
        }
    }

    /// Batch mode: one process for many files (what a directory of per-node .bu files needs).
    private func runBatch(into directory: String) throws {
        let options = ButaneOptions(strict: strict, filesDirectory: filesDir, raw: raw)
        var failed = 0
        for file in files {
            guard let (bytes, name) = readInput(file) else { failed += 1; continue }
            let result = Butane.translate(bytes: bytes, file: name, options: options)
            if !result.diagnostics.all.isEmpty {
                DiagnosticPrinter(sources: [name: String(decoding: bytes, as: UTF8.self)]).print(result.diagnostics)
            }
            guard let document = result.output(pretty: pretty) else { failed += 1; continue }
            var base = (file as NSString).lastPathComponent
            for suffix in [".bu", ".yaml", ".yml"] where base.hasSuffix(suffix) { base.removeLast(suffix.count) }
            let target = (directory as NSString).appendingPathComponent(base + (result.isMachineConfig ? ".yaml" : ".ign"))
            // A MachineConfig of `x.yaml` written into its own directory would replace it.
            if Self.samePath(file, target) {
                printError("error: cannot write '\(target)': it is the input file\n")
                failed += 1
                continue
            }
            if let code = SystemError.writeFile(target, document) {
                printError("error: cannot write '\(target)': \(SystemError.text(code))\n")
                failed += 1
            }
        }
        if failed > 0 {
            printError("\(failed) of \(files.count) files failed\n")
            throw ExitCode.failure
        }
    }

    private static func samePath(_ a: String, _ b: String) -> Bool {
        func canonical(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        return a != "-" && canonical(a) == canonical(b)
    }
}
