/// A small XML tree: what a backend builds before rendering it, so that tests can look at the
/// structure and at the exact text separately. (`XML.Element`, not `XMLElement`: Foundation has
/// one of that name on Apple platforms.)
enum XML {}

extension XML {
    struct Element: Equatable {
        enum Child: Equatable {
            case element(XML.Element)
            case text(String)
        }

        var name: String
        /// In the order written.
        var attributes: [(name: String, value: String)]
        var children: [Child]

        init(_ name: String, _ attributes: [(String, String)] = [], children: [Child] = []) {
            self.name = name
            self.attributes = attributes.map { (name: $0.0, value: $0.1) }
            self.children = children
        }

        init(_ name: String, _ attributes: [(String, String)] = [], elements: [XML.Element]) {
            self.init(name, attributes, children: elements.map { .element($0) })
        }

        /// `<name>text</name>`.
        init(_ name: String, text: String) {
            self.init(name, children: [.text(text)])
        }

        static func == (a: Element, b: Element) -> Bool {
            a.name == b.name && a.children == b.children
                && a.attributes.map(\.name) == b.attributes.map(\.name) && a.attributes.map(\.value) == b.attributes.map(\.value)
        }

        /// The first child element named `name`.
        func child(_ name: String) -> XML.Element? {
            for case .element(let element) in children where element.name == name { return element }
            return nil
        }

        func attribute(_ name: String) -> String? {
            attributes.first { $0.name == name }?.value
        }
    }
}

/// Renders an `XML.Element` the way libvirt writes its own files: two-space indentation, attribute
/// values in single quotes, an element with only text on one line, an empty one self-closed.
enum XMLWriter {
    private static let attributeSpecial = Set("&<>'\"\t\n\r".utf8)

    /// The document's text, ending with a newline.
    static func render(_ root: XML.Element) -> String {
        var out = ""
        write(root, indent: 0, into: &out)
        return out
    }

    private static func write(_ element: XML.Element, indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent)
        out += pad + "<" + element.name
        for attribute in element.attributes {
            out += " " + attribute.name + "='" + escapeAttribute(attribute.value) + "'"
        }
        if element.children.isEmpty {
            out += "/>\n"
            return
        }
        if element.children.allSatisfy({ if case .text = $0 { return true } else { return false } }) {
            out += ">"
            for case .text(let text) in element.children { out += escapeText(text) }
            out += "</" + element.name + ">\n"
            return
        }
        out += ">\n"
        for child in element.children {
            switch child {
            case .element(let inner): write(inner, indent: indent + 1, into: &out)
            case .text(let text): out += pad + "  " + escapeText(text) + "\n"
            }
        }
        out += pad + "</" + element.name + ">\n"
    }

    /// Text content: `&`, `<` and `>` as entities.
    static func escapeText(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) {
            return text
        }
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// An attribute value in quotes of either kind: both quotes as entities too, and the
    /// whitespace that attribute normalization would turn into spaces as character references.
    static func escapeAttribute(_ text: String) -> String {
        if !text.utf8.contains(where: { Self.attributeSpecial.contains($0) }) { return text }
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "'": out += "&apos;"
            case "\"": out += "&quot;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
