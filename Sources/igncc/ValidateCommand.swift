import ArgumentParser
import Foundation
import IgnitionCompiler

/// A drop-in for ignition-validate.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an Ignition config (spec 3.0.0 to 3.6.0, or 3.7.0-experimental) as ignition-validate does.")

    @Argument(help: "The Ignition configs; '-' or nothing for standard input. Several are checked in one process.",
              completion: .file(extensions: ["ign", "json"]))
    var files: [String] = ["-"]

    func run() throws {
        var failed = false
        for file in files {
            guard let (bytes, name) = readInput(file) else {
                failed = true
                continue
            }
            let diagnostics = IgnitionValidation.validate(bytes: bytes, file: name)
            DiagnosticPrinter(sources: [name: String(decoding: bytes, as: UTF8.self)]).print(diagnostics)
            failed = failed || diagnostics.hasErrors
        }
        if failed { throw ExitCode.failure }
    }
}

/// Reads a file, or standard input for "-"; prints why it cannot.
func readInput(_ path: String) -> ([UInt8], String)? {
    if path == "-" {
        return ([UInt8](FileHandle.standardInput.readDataToEndOfFile()), "<stdin>")
    }
    switch BoundedFile.read(path, limit: Int.max) {
    case .bytes(let bytes):
        return (bytes, path)
    case .unreadable(let code):
        printError("error: cannot read '\(path)': \(SystemError.text(code))\n")
    case .tooLarge:
        printError("error: cannot read '\(path)': \(SystemError.text(EFBIG))\n")
    }
    return nil
}
