import ArgumentParser
import Foundation
import IgnitionCompiler

/// `igncc init [DIR] [--mac MAC]… [--ssh-key FILE]… [--force]`: writes a starter site.yaml.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented starter site.yaml, one host per MAC, that 'igncc check' accepts.",
        discussion: """
            Hosts are node1, node2 and so on, in the order of the MACs: one control plane (with etcd, also a \
            worker) below three hosts, three from three on, the others workers; without --mac, one \
            example host. The SSH key is --ssh-key's, else the first of ~/.ssh/id_ed25519.pub, \
            id_ecdsa.pub and id_rsa.pub; with none, the key list is left empty, and 'igncc check' \
            stops there until you add yours. An existing site.yaml is kept unless --force.
            """)

    @Argument(help: "The directory to write site.yaml in (created if missing).", completion: .directory)
    var directory = "."

    @Option(name: .long, help: ArgumentHelp("A machine's MAC, one host each (repeatable, or a comma list).", valueName: "MAC"))
    var mac: [String] = []

    @Option(name: .long, help: ArgumentHelp("A public key file to authorize (repeatable).", valueName: "FILE"),
            completion: .file(extensions: ["pub"]))
    var sshKey: [String] = []

    @Flag(name: .long, help: "Replace an existing site.yaml.")
    var force = false

    func validate() throws {
        _ = try macs()
    }

    /// The MACs in the order given, each once.
    func macs() throws(ValidationError) -> [MACAddress] {
        var macs: [MACAddress] = []
        for value in mac {
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let text = part.trimmingCharacters(in: .whitespaces)
                switch MACAddress.parse(text) {
                case .success(let address):
                    guard !macs.contains(address) else { throw ValidationError("--mac '\(text)' is given twice") }
                    macs.append(address)
                case .failure(.malformed):
                    throw ValidationError("--mac '\(text)' is not a MAC address (such as 52:54:00:12:34:56)")
                case .failure(.multicast):
                    throw ValidationError("--mac '\(text)' is a multicast address, which no NIC has")
                case .failure(.allZero):
                    throw ValidationError("--mac '\(text)' is all zeros, which no NIC has")
                }
            }
        }
        if macs.count > StarterSite.maxHosts {
            throw ValidationError("\(macs.count) MACs: a starter holds at most \(StarterSite.maxHosts) hosts (one /24); add more to site.yaml")
        }
        return macs
    }

    func run() throws {
        let macs = try macs()
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + "site.yaml"
        if !force && FileManager.default.fileExists(atPath: path) {
            printError("igncc: error: '\(path)' exists; refusing to replace it (--force replaces it)\n")
            throw ExitCode.failure
        }
        let (keys, source) = try readKeys()
        let starter = StarterSite(macs: macs, sshKeys: keys, keySource: source)
        do {
            try StarterFile.write(Array(starter.render().utf8), to: path)
        } catch {
            printError("igncc: error: \(error)\n")
            throw ExitCode.failure
        }
        let hosts = max(1, macs.count)
        print("igncc: wrote \(path): \(hosts) host\(hosts == 1 ? "" : "s")" + (macs.isEmpty ? " (an example: use --mac)" : "")
              + (source.map { ", SSH key from \($0)" } ?? ""))
        if keys.isEmpty {
            print("igncc: no SSH key found (~/.ssh/id_ed25519.pub, id_ecdsa.pub, id_rsa.pub): add yours to "
                  + "'ssh_authorized_keys' in \(path), or run again with --ssh-key FILE --force")
        }
    }

    /// The keys of `--ssh-key`, else of the first key file found in ~/.ssh; and where they came from.
    private func readKeys() throws -> ([String], String?) {
        var files = sshKey.map { ($0, $0) }
        if files.isEmpty, let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty {
            for name in ["id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub"] {
                let path = home + "/.ssh/" + name
                if FileManager.default.fileExists(atPath: path) {
                    files = [(path, "~/.ssh/" + name)]
                    break
                }
            }
        }
        var keys: [String] = []
        for (path, _) in files {
            let text: String
            switch BoundedFile.read(path, limit: 1 << 20) {
            case .bytes(let bytes):
                text = String(decoding: bytes, as: UTF8.self)
            case .unreadable(let code):
                printError("igncc: error: cannot read SSH key file '\(path)': \(SystemError.text(code))\n")
                throw ExitCode.failure
            case .tooLarge:
                printError("igncc: error: '\(path)' is larger than 1 MiB: not an SSH public key file\n")
                throw ExitCode.failure
            }
            switch StarterSite.keys(in: text) {
            case .success(let found):
                keys += found.filter { !keys.contains($0) }
            case .failure(let problem):
                printError("igncc: error: \(path)\(problem.line.map { ":\($0)" } ?? ""): \(problem.message)"
                           + (sshKey.isEmpty ? " (give another key with --ssh-key FILE)" : "") + "\n")
                throw ExitCode.failure
            }
        }
        return (keys, files.isEmpty ? nil : files.map(\.1).joined(separator: ", "))
    }
}
