/// An ordered INI-style document: NetworkManager keyfiles and systemd unit files.
struct IniDocument: Equatable {
    struct Section: Equatable {
        var name: String
        var entries: [(key: String, value: String)]

        init(_ name: String, _ entries: [(String, String)]) {
            self.name = name
            self.entries = entries.map { (key: $0.0, value: $0.1) }
        }

        static func == (a: Section, b: Section) -> Bool {
            a.name == b.name && a.entries.count == b.entries.count
                && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        }
    }

    var sections: [Section]

    /// Sections separated by a blank line; the text ends with a newline.
    func render() -> String {
        sections.map { section in
            "[\(section.name)]\n" + section.entries.map { "\($0.key)=\($0.value)\n" }.joined()
        }.joined(separator: "\n")
    }
}
