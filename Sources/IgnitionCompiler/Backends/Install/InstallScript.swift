/// `install/<host>.sh` and the commands README.txt repeats: what to run, as root, in the live
/// system of the host's OS to install it on its disk with its Ignition config pinned by hash.
enum InstallScript {
    /// One shell command as lines of words: the first line is the command, each other line one
    /// option with its value. Words are quoted only when the shell would change them.
    struct Command: Equatable {
        var lines: [[String]]

        /// The command with its lines joined by ` \` continuations, each after the first indented by
        /// `indent + 4` spaces, and the first by `indent`.
        func rendered(indent: Int = 0) -> String {
            let pad = String(repeating: " ", count: indent)
            return lines.enumerated().map { index, words in
                (index == 0 ? pad : pad + "    ") + words.map(ShellWord.quoted).joined(separator: " ")
            }.joined(separator: " \\\n")
        }
    }

    /// The commands that install `host`, in order (the Flatcar ones share `$tmp`, made by `prelude`).
    static func commands(for host: InstallPlan.HostPlan, served: InstallPlan.Served) -> [String] {
        switch host.os {
        case .fcos:
            var lines: [[String]] = [
                ["coreos-installer", "install", host.installDisk],
                ["--ignition-url", served.ignitionURL],
                ["--ignition-hash", "sha512-\(served.sha512)"],
            ]
            if served.hasStaticNIC { lines.append(["--copy-network"]) }
            return [Command(lines: lines).rendered()]
        case .flatcar:
            // flatcar-install reads a local file only: fetch, check the hash, then install.
            let file = "\"$tmp/\(host.name).ign\""
            return [
                "curl -fsSL -o \(file) \(ShellWord.quoted(served.ignitionURL))",
                "printf '%s  %s\\n' \(served.sha512) \(file) | sha512sum -c -",
                "flatcar-install -d \(ShellWord.quoted(host.installDisk)) -i \(file)",
            ]
        }
    }

    /// What runs before `commands`: Flatcar's scratch directory, removed on every exit.
    static func prelude(for os: OperatingSystem) -> [String] {
        switch os {
        case .fcos: return []
        case .flatcar:
            return [
                "tmp=$(mktemp -d)",
                "trap 'rm -rf -- \"$tmp\"' EXIT",
                "trap 'exit 1' HUP INT TERM",
            ]
        }
    }

    /// The commands as README.txt shows them, safe to paste into an interactive shell: no traps,
    /// and each step runs only when the one before it succeeded.
    static func interactiveCommands(for host: InstallPlan.HostPlan, served: InstallPlan.Served) -> [String] {
        let steps = commands(for: host, served: served)
        switch host.os {
        case .fcos: return steps
        case .flatcar:
            return ["tmp=$(mktemp -d)", steps.joined(separator: " &&\n    "), "rm -rf -- \"$tmp\""]
        }
    }

    static func osName(_ os: OperatingSystem) -> String {
        switch os {
        case .fcos: return "Fedora CoreOS"
        case .flatcar: return "Flatcar Container Linux"
        }
    }

    static func render(site: String, host: InstallPlan.HostPlan, served: InstallPlan.Served) -> String {
        var text = """
        #!/bin/sh
        # Installs \(osName(host.os)) on host '\(host.name)' of site '\(site)', written by igncc.
        # Run it as root in the host's \(osName(host.os)) live system: it erases \(host.installDisk).

        """
        switch host.os {
        case .fcos:
            text += """
            # coreos-installer fetches the host's Ignition config and refuses it unless its SHA-512 is
            # the one below: plain HTTP is safe.

            """
        case .flatcar:
            text += """
            # flatcar-install takes a local file only: the config is downloaded, refused unless its
            # SHA-512 is the one below, then installed.

            """
        }
        text += "set -eu\n\n"
        let prelude = prelude(for: host.os)
        if !prelude.isEmpty { text += prelude.joined(separator: "\n") + "\n" }
        text += commands(for: host, served: served).joined(separator: "\n") + "\n"
        return text
    }
}

/// POSIX shell words.
enum ShellWord {
    private static let punctuation = Set("@%+=:,./_-".utf8)

    /// `word` unchanged when the shell reads it as itself, else in single quotes (each `'` as `'\''`).
    static func quoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || Self.punctuation.contains(b)
        }
        return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
