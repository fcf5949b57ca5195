import Foundation
import Testing
@testable import IgnitionCompiler

/// Shell completions and the man page, both made by ArgumentParser from igncc's own options:
/// each completion script loaded by its shell and asked to complete, and the man page rendered by
/// `man -l` with every subcommand's summary and every option in it.
@Suite struct CompletionAndManualTests {
    static func script(_ shell: String) throws -> String {
        let result = try runProcess(TestPaths.binary, ["--generate-completion-script", shell])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        return result.stdout
    }

    /// bash parses the script, and its completion function offers targets and subcommands.
    @Test func bashCompletes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("igncc.bash", try Self.script("bash"))
        #expect(try runProcess("/bin/bash", ["-n", dir.file("igncc.bash")]).status == 0)
        func complete(_ words: [String]) throws -> [String] {
            let line = words.joined(separator: " ")
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let program = """
                source igncc.bash
                COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=\(line.count)
                COMPREPLY=()
                _igncc igncc '\(words.last!)' '\(words[words.count - 2])'
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let result = try runProcess("/bin/bash", ["-c", program], directory: dir.path)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map(String.init).sorted()
        }
        #expect(try complete(["igncc", "build", "--target", "b"]) == ["bind-zone", "butane"])
        #expect(try complete(["igncc", "clean", "ku"]) == ["kubespray"])
        #expect(try complete(["igncc", "b"]) == ["build", "butane"])
        #expect(try complete(["igncc", "build", "--dr"]) == ["--dry-run"])
    }

    /// zsh and fish parse theirs; fish, asked to complete, offers the same targets.
    @Test func zshAndFishLoadTheirs() throws {
        let zsh = try RealConsumerTests.tool("zsh", package: "zsh")
        let fish = try RealConsumerTests.tool("fish", package: "fish")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let zshScript = try Self.script("zsh")
        #expect(zshScript.hasPrefix("#compdef igncc\n"))
        try dir.write("_igncc", zshScript)
        let zshCheck = try runProcess(zsh, ["-n", dir.file("_igncc")])
        #expect(zshCheck.status == 0, "\(zshCheck.stderr)")
        try dir.write("igncc.fish", try Self.script("fish"))
        #expect(try runProcess(fish, ["-n", dir.file("igncc.fish")]).status == 0)
        let completed = try runProcess(fish, ["-c", "source \(dir.file("igncc.fish")); complete -C 'igncc build --target b'"],
                                       environment: ["HOME": dir.path, "XDG_CONFIG_HOME": dir.file("config"),
                                                     "XDG_DATA_HOME": dir.file("data")])
        #expect(completed.status == 0, "\(completed.stderr)")
        #expect(completed.stdout.split(separator: "\n").map { String($0.prefix { $0 != "\t" }) }.sorted() == ["bind-zone", "butane"])
    }

    /// ArgumentParser's generate-manual (what `swift package plugin generate-manual` runs) is built
    /// beside igncc once the plugin has run, as scripts/test does; `man -l` renders its page.
    static let manualTool = URL(fileURLWithPath: TestPaths.binary).deletingLastPathComponent()
        .appendingPathComponent("generate-manual-tool").path

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: manualTool),
                   "run 'swift package plugin generate-manual --configuration debug' first (scripts/test does)"))
    func manPageRenders() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let made = try runProcess(Self.manualTool, [TestPaths.binary, "--date", "2026-01-01", "--output-directory", dir.path])
        #expect(made.status == 0, "\(made.stderr)")
        let man = try RealConsumerTests.tool("man", package: "man-db")
        let rendered = try runProcess(man, ["--warnings", "-l", dir.file("igncc.1")],
                                      environment: ["MANWIDTH": "2000", "MANPAGER": "cat", "PAGER": "cat", "LC_ALL": "C.UTF-8"])
        #expect(rendered.status == 0 && rendered.stderr.isEmpty, "\(rendered.stderr)")
        let text = rendered.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        // What igncc says about itself, as ArgumentParser dumps it: every abstract and option name.
        let dump = try runProcess(TestPaths.binary, ["--experimental-dump-help"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var commands = [try #require(json["command"] as? [String: Any])]
        var checked = 0
        while let command = commands.popLast() {
            commands += command["subcommands"] as? [[String: Any]] ?? []
            let name = command["commandName"] as? String ?? "?"
            if let abstract = command["abstract"] as? String {
                #expect(text.contains(abstract.split(whereSeparator: \.isWhitespace).joined(separator: " ")), "\(name): \(abstract)")
                checked += 1
            }
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                guard let names = argument["names"] as? [[String: Any]], argument["shouldDisplay"] as? Bool != false else { continue }
                for flag in names where flag["kind"] as? String == "long" {
                    #expect(text.contains("--\(flag["name"] as? String ?? "")"), "\(name): --\(flag["name"] ?? "")")
                }
            }
        }
        #expect(checked == 9)
    }
}
