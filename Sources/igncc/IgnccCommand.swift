import ArgumentParser
import IgnitionCompiler

@main
struct IgnccCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "igncc",
        abstract: "Compile a bare-metal Kubernetes site (site.yaml) into Ignition, network and inventory files.",
        version: Compiler.version,
        subcommands: [InitCommand.self, CheckCommand.self, BuildCommand.self, CleanCommand.self, ServeCommand.self,
                      ButaneCommand.self, ValidateCommand.self])
}
