/// What an output tree remembers across builds that is not an output file: the last serial of
/// every zone file ever written into it. It lives beside the marker (`.igncc-state`), is not
/// listed in `SHA512SUMS` and never served, and every build, clean and prune carries it forward,
/// so a zone's serial never goes backwards whatever the targets of the builds in between.
public struct TreeState: Sendable, Equatable {
    public static let fileName = ".igncc-state"
    static let header = "# igncc: what this tree remembers between builds (zone serials); not an output file\n"

    /// The last serial written for each zone file, by its path in the tree (`bind/db.example.org`).
    /// Entries stay when a zone is no longer written: if it comes back, its serial continues.
    public var zoneSerials: [String: UInt32] = [:]

    public init(zoneSerials: [String: UInt32] = [:]) {
        self.zoneSerials = zoneSerials
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads the state file's text; `name` is how errors call the file.
    public static func parse(_ text: String, name: String) throws -> TreeState {
        var state = TreeState()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == "zone", !fields[1].isEmpty, let serial = UInt32(fields[2]),
                  state.zoneSerials[String(fields[1])] == nil else {
                throw ParseError(description:
                    "\(name):\(number + 1): unreadable line '\(line.prefix(80))' (expected 'zone <path> <serial>', once per path)")
            }
            state.zoneSerials[String(fields[1])] = serial
        }
        return state
    }

    /// The file's text: one `zone <path> <serial>` line per zone, in path order.
    public func render() -> String {
        var text = Self.header
        for path in zoneSerials.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            text += "zone \(path) \(zoneSerials[path]!)\n"
        }
        return text
    }

    /// The state file to write, or nil when there is nothing to remember.
    public var file: OutputFile? {
        zoneSerials.isEmpty ? nil : OutputFile(Self.fileName, text: render(), mode: 0o644)
    }
}
